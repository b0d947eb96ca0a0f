"""Development set for the coding assistant: synthetic outpatient notes, each coded by hand (first-listed first).

Written for this purpose, in several documentation styles (headed SOAP notes, terse problem lists,
abbreviations, dictated prose). The expected codes follow the outpatient guidelines: negated,
uncertain ('rule out', 'possible') and incidental family or remote history are not coded; symptoms
are coded when the diagnosis is uncertain; the most specific code the note supports is expected,
and the unspecified code when the note does not say more. They were written before the engine was
run on them and are not changed to suit it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DevNote:
    name: str
    note: str
    codes: tuple[str, ...]
    age: int | None = None
    sex: str | None = None


DEV_NOTES: tuple[DevNote, ...] = (
    # ------------------------------------------------------------------ diabetes
    DevNote(
        "dm2_uncomplicated_terse",
        """CC: DM f/u
HPI: 58M with type 2 diabetes on metformin, sugars 100-140. Denies polyuria, polydipsia, numbness.
Exam: feet intact, monofilament normal.
Assessment:
1. Type 2 diabetes without complications
2. Long term use of oral hypoglycemic (metformin)
Plan: continue metformin, A1c in 3 months.""",
        ("E11.9", "Z79.84"),
        58,
        "M",
    ),
    DevNote(
        "dm2_neuropathy_unspecified",
        """S: 64 yo F with DM2 here for follow-up. Notes tingling in toes for months.
O: decreased vibration sense at both great toes.
A: Type 2 diabetes mellitus with diabetic neuropathy.
P: Start gabapentin. Podiatry referral.""",
        ("E11.40",),
        64,
        "F",
    ),
    DevNote(
        "dm2_hyperglycemia_insulin",
        """CHIEF COMPLAINT: Diabetes, poorly controlled.
HPI: 49-year-old male, A1c 10.1% today. On insulin glargine and metformin. No hypoglycemia. Denies vision changes.
ASSESSMENT AND PLAN:
1. Type 2 diabetes mellitus with hyperglycemia.
2. Long-term (current) use of insulin.
3. Long-term (current) use of oral hypoglycemic drugs.
Increase glargine to 30 units. Diabetes education referral.""",
        ("E11.65", "Z79.4", "Z79.84"),
        49,
        "M",
    ),
    DevNote(
        "diabetes_type_not_stated",
        """Assessment: Diabetes mellitus, stable on metformin. A1c 6.9.
Plan: continue current regimen, recheck 3 months.""",
        ("E11.9",),
        70,
        "F",
    ),
    DevNote(
        "dm1_uncomplicated",
        """HPI: 24 yo with type 1 diabetes on insulin pump. No DKA episodes. No hypoglycemia unawareness.
ASSESSMENT: Type 1 diabetes mellitus without complications.
PLAN: Continue pump settings. Endocrinology follow-up.""",
        ("E10.9",),
        24,
        "F",
    ),
    DevNote(
        "dm2_ckd3",
        """A/P:
1. Type 2 diabetes mellitus with diabetic chronic kidney disease
2. CKD stage 3a
3. Long term use of insulin
Continue insulin, nephrology referral.""",
        ("E11.22", "N18.31", "Z79.4"),
        71,
        "M",
    ),
    DevNote(
        "prediabetes_family_history",
        """HPI: 45 yo F, A1c 6.0 on screening labs. Mother with type 2 diabetes.
Assessment: Prediabetes.
Plan: lifestyle modification, recheck A1c in 6 months.""",
        ("R73.03",),
        45,
        "F",
    ),
    # ------------------------------------------------------------------ hypertension, lipids, heart
    DevNote(
        "htn_abbreviation",
        """S: 62 yo M for HTN check. Home BPs 130s/80s. No CP, no SOB, no HA.
O: BP 134/82.
A: HTN, controlled.
P: Continue lisinopril 10 mg daily. RTC 6 mo.""",
        ("I10",),
        62,
        "M",
    ),
    DevNote(
        "htn_hld",
        """ASSESSMENT:
1. Essential hypertension
2. Hyperlipidemia
PLAN: continue amlodipine and atorvastatin; lipid panel next visit.""",
        ("I10", "E78.5"),
        66,
        "F",
    ),
    DevNote(
        "htn_ckd_combination",
        """HPI: 73 yo with hypertension and chronic kidney disease stage 3, eGFR 45.
Assessment:
1. Hypertension with CKD stage 3
Plan: continue losartan, BMP in 3 months.""",
        ("I12.9", "N18.30"),
        73,
        "M",
    ),
    DevNote(
        "pure_hypercholesterolemia",
        """Assessment: Pure hypercholesterolemia, LDL 190. Family history of premature CAD in father.
Plan: Start rosuvastatin 10 mg.""",
        ("E78.00",),
        52,
        "M",
    ),
    DevNote(
        "hypertriglyceridemia",
        """A: Hypertriglyceridemia, TG 520.
P: Fenofibrate, low-carb diet counseling.""",
        ("E78.1",),
        47,
        "M",
    ),
    DevNote(
        "history_of_mi_cad",
        """HPI: 68 yo M with history of MI in 2019 s/p stent, here for follow-up.
Denies chest pain or dyspnea on exertion.
ASSESSMENT:
1. Coronary artery disease of native coronary artery without angina
2. Old myocardial infarction
3. Hyperlipidemia
PLAN: continue aspirin, statin, metoprolol.""",
        ("I25.10", "I25.2", "E78.5"),
        68,
        "M",
    ),
    DevNote(
        "afib_unspecified_anticoagulated",
        """S: 77 yo F with atrial fibrillation on apixaban. No bleeding. No palpitations.
A: 1. Atrial fibrillation, rate controlled. 2. Long term use of anticoagulants.
P: continue apixaban and diltiazem.""",
        ("I48.91", "Z79.01"),
        77,
        "F",
    ),
    DevNote(
        "paroxysmal_afib",
        """Assessment:
1. Paroxysmal atrial fibrillation
2. Long-term (current) use of anticoagulant
Plan: continue warfarin, INR in 2 weeks. EKG performed today shows sinus rhythm.""",
        ("I48.0", "Z79.01"),
        70,
        "M",
    ),
    DevNote(
        "chest_pain_denied_gerd",
        """CC: heartburn
HPI: 44 yo M with burning epigastric discomfort after meals for 2 months.
Denies chest pain, denies dysphagia, no weight loss.
ASSESSMENT/PLAN:
Gastroesophageal reflux disease without esophagitis. Start omeprazole 20 mg daily.""",
        ("K21.9",),
        44,
        "M",
    ),
    # ------------------------------------------------------------------ respiratory
    DevNote(
        "uri_no_fever",
        """CC: congestion and sore throat x 3 days
HPI: 31 yo F with rhinorrhea, sore throat. No fever. No shortness of breath.
Exam: TMs clear, pharynx mildly red, lungs clear.
Assessment: Acute upper respiratory infection.
Plan: supportive care.""",
        ("J06.9",),
        31,
        "F",
    ),
    DevNote(
        "cough_rule_out_pneumonia",
        """CC: cough for 5 days
HPI: 55 yo M with productive cough. Denies fever or chest pain.
Exam: scattered rhonchi.
Assessment: Rule out pneumonia.
Plan: chest x-ray ordered, will call with results.""",
        ("R05.9",),
        55,
        "M",
    ),
    DevNote(
        "acute_bronchitis",
        """S: 40 yo F, 10 days of cough, no fever, no SOB.
O: lungs with scattered wheeze, SpO2 98%.
A: Acute bronchitis.
P: albuterol inhaler, fluids. Return if fever.""",
        ("J20.9",),
        40,
        "F",
    ),
    DevNote(
        "pneumonia_confirmed",
        """HPI: 62 yo with fever, cough and dyspnea for 4 days. CXR today shows right lower lobe infiltrate.
Assessment: Community acquired pneumonia.
Plan: levofloxacin 750 mg daily x 5 days.""",
        ("J18.9",),
        62,
        "M",
    ),
    DevNote(
        "copd_exacerbation_smoker",
        """ASSESSMENT AND PLAN:
1. COPD with acute exacerbation
2. Nicotine dependence, cigarettes, uncomplicated
Prednisone 40 mg x 5 days, azithromycin. Smoking cessation counseling.""",
        ("J44.1", "F17.210"),
        67,
        "M",
    ),
    DevNote(
        "copd_stable_former_smoker",
        """S: 71 yo F with COPD, stable on tiotropium. Former smoker, quit 2010.
A: 1. Chronic obstructive pulmonary disease, stable. 2. Personal history of nicotine dependence.
P: continue tiotropium, pulmonary rehab.""",
        ("J44.9", "Z87.891"),
        71,
        "F",
    ),
    DevNote(
        "asthma_unspecified",
        """HPI: 19 yo with asthma, using albuterol twice a week. No nighttime symptoms.
Assessment: Asthma, uncomplicated.
Plan: continue albuterol prn.""",
        ("J45.909",),
        19,
        "M",
    ),
    DevNote(
        "asthma_exacerbation",
        """A/P: Asthma with acute exacerbation. Prednisolone burst, albuterol q4h prn. Recheck 3 days.""",
        ("J45.901",),
        12,
        "F",
    ),
    DevNote(
        "sinusitis_unspecified",
        """CC: sinus pressure 12 days
Assessment: Acute sinusitis.
Plan: amoxicillin 875 mg bid x 10 days.""",
        ("J01.90",),
        36,
        "F",
    ),
    DevNote(
        "maxillary_sinusitis",
        """A: Acute maxillary sinusitis. No fever. P: Augmentin, saline rinses.""",
        ("J01.00",),
        50,
        "M",
    ),
    DevNote(
        "strep_pharyngitis",
        """CC: sore throat
HPI: 9 yo with sore throat and fever. Rapid strep positive in office.
Assessment: Strep pharyngitis.
Plan: amoxicillin x 10 days.""",
        ("J02.0",),
        9,
        "M",
    ),
    DevNote(
        "pharyngitis_strep_negative",
        """HPI: 27 yo F with sore throat. Rapid strep negative.
Assessment: Acute pharyngitis, likely viral.
Plan: supportive care, culture sent.""",
        ("J02.9",),
        27,
        "F",
    ),
    DevNote(
        "common_cold",
        """Assessment: Common cold. Denies fever. Plan: rest, fluids.""",
        ("J00",),
        33,
        "M",
    ),
    DevNote(
        "allergic_rhinitis_unspecified",
        """S: sneezing, itchy eyes, clear rhinorrhea.
A: Allergic rhinitis.
P: cetirizine 10 mg daily, fluticasone nasal spray.""",
        ("J30.9",),
        29,
        "F",
    ),
    DevNote(
        "seasonal_allergic_rhinitis",
        """Assessment: Seasonal allergic rhinitis, worse each spring. Plan: start loratadine.""",
        ("J30.2",),
        35,
        "M",
    ),
    # ------------------------------------------------------------------ GU
    DevNote(
        "uti_simple",
        """CC: dysuria
HPI: 28 yo F with dysuria and frequency x 2 days. Denies fever, flank pain.
Urinalysis dipstick in office: positive nitrites and leukocytes.
Assessment: UTI.
Plan: nitrofurantoin 100 mg bid x 5 days.""",
        ("N39.0",),
        28,
        "F",
    ),
    DevNote(
        "acute_cystitis",
        """A: Acute cystitis without hematuria. P: Macrobid x 5 days.""",
        ("N30.00",),
        35,
        "F",
    ),
    DevNote(
        "dysuria_rule_out_uti",
        """CC: burning with urination
HPI: 22 yo F with dysuria. UA dipstick negative.
Assessment: Dysuria, rule out UTI.
Plan: urine culture sent.""",
        ("R30.0",),
        22,
        "F",
    ),
    DevNote(
        "bph_no_luts",
        """Assessment: Benign prostatic hyperplasia without lower urinary tract symptoms. PSA stable.
Plan: watchful waiting.""",
        ("N40.0",),
        69,
        "M",
    ),
    # ------------------------------------------------------------------ musculoskeletal
    DevNote(
        "low_back_pain_no_radiation",
        """CC: low back pain
HPI: 45 yo M lifted boxes 1 week ago, now low back pain. No radiation, no numbness, no bowel or bladder changes.
Assessment: Low back pain.
Plan: naproxen, PT.""",
        ("M54.50",),
        45,
        "M",
    ),
    DevNote(
        "sciatica_left",
        """Assessment: Lumbago with sciatica, left side.
Plan: prednisone taper, PT referral.""",
        ("M54.42",),
        52,
        "F",
    ),
    DevNote(
        "sciatica_side_not_stated",
        """HPI: 39 yo with shooting pain down the leg.
Assessment: Sciatica.
Plan: NSAIDs, stretching.""",
        ("M54.30",),
        39,
        "M",
    ),
    DevNote(
        "neck_pain",
        """A: Cervicalgia after sleeping wrong. No radicular symptoms.
P: heat, ibuprofen.""",
        ("M54.2",),
        30,
        "F",
    ),
    DevNote(
        "left_knee_oa_injection",
        """ASSESSMENT: Primary osteoarthritis of left knee.
PROCEDURE: Left knee injected with methylprednisolone 40 mg after consent.""",
        ("M17.12",),
        66,
        "F",
    ),
    DevNote(
        "right_knee_oa",
        """Assessment: Right knee osteoarthritis, moderate.
Plan: weight loss, quadriceps strengthening.""",
        ("M17.11",),
        61,
        "M",
    ),
    DevNote(
        "knee_oa_side_missing",
        """Assessment: Osteoarthritis of knee.
Plan: acetaminophen, PT.""",
        ("M17.9",),
        72,
        "F",
    ),
    DevNote(
        "knee_pain_right",
        """HPI: 35 yo runner with right knee pain for 3 weeks. No swelling, no locking.
Assessment: Pain in right knee.
Plan: rest, ice, PT.""",
        ("M25.561",),
        35,
        "M",
    ),
    DevNote(
        "fibromyalgia",
        """Assessment: Fibromyalgia. Plan: duloxetine, graded exercise.""",
        ("M79.7",),
        48,
        "F",
    ),
    # ------------------------------------------------------------------ injuries
    DevNote(
        "laceration_right_index_finger",
        """HPI: Cut right index finger on a kitchen knife today. Nail intact.
ASSESSMENT: Laceration without foreign body of right index finger without damage to nail, initial encounter.
PROCEDURE: Repaired with 3 sutures, total repaired length 1.5 cm.""",
        ("S61.210A",),
        34,
        "M",
    ),
    DevNote(
        "laceration_right_lower_leg",
        """Assessment: Laceration of right lower leg without foreign body, initial encounter.
Procedure: Simple repair, 3.0 cm.""",
        ("S81.811A",),
        27,
        "M",
    ),
    DevNote(
        "ankle_sprain_left",
        """HPI: Rolled left ankle playing basketball yesterday. Able to bear weight.
Assessment: Sprain of left ankle, initial encounter.
Plan: RICE, ankle brace.""",
        ("S93.402A",),
        20,
        "M",
    ),
    DevNote(
        "knee_contusion_right",
        """Assessment: Contusion of right knee, initial encounter. No fracture on x-ray.
Plan: ice, NSAIDs.""",
        ("S80.01XA",),
        14,
        "F",
    ),
    # ------------------------------------------------------------------ skin
    DevNote(
        "actinic_keratosis",
        """A: Actinic keratoses on scalp, treated with liquid nitrogen. P: sun protection.""",
        ("L57.0",),
        74,
        "M",
    ),
    DevNote(
        "epidermal_cyst",
        """Assessment: Epidermal cyst of back, not inflamed. Plan: observation.""",
        ("L72.0",),
        41,
        "M",
    ),
    DevNote(
        "viral_wart",
        """Assessment: Viral wart of the hand.
Plan: cryotherapy performed with liquid nitrogen.""",
        ("B07.9",),
        16,
        "F",
    ),
    DevNote(
        "cellulitis_right_leg",
        """HPI: 58 yo with redness and warmth of the right lower leg for 2 days. Denies fever.
Assessment: Cellulitis of right lower limb.
Plan: cephalexin 500 mg qid x 7 days.""",
        ("L03.115",),
        58,
        "M",
    ),
    DevNote(
        "atopic_dermatitis",
        """A: Atopic dermatitis, flare. P: triamcinolone cream.""",
        ("L20.9",),
        8,
        "F",
    ),
    DevNote(
        "onychomycosis",
        """Assessment: Onychomycosis of toenails. Plan: terbinafine after LFTs.""",
        ("B35.1",),
        60,
        "M",
    ),
    # ------------------------------------------------------------------ behavioural health
    DevNote(
        "depression_unspecified",
        """S: feeling down for 2 months, poor sleep. Denies suicidal ideation.
A: Depression.
P: start sertraline 50 mg, therapy referral. PHQ-9 administered and scored: 14.""",
        ("F32.A",),
        37,
        "F",
    ),
    DevNote(
        "mdd_single_moderate",
        """Assessment: Major depressive disorder, single episode, moderate.
Plan: continue escitalopram.""",
        ("F32.1",),
        42,
        "M",
    ),
    DevNote(
        "mdd_recurrent_mild",
        """Assessment: Major depressive disorder, recurrent, mild. Plan: CBT.""",
        ("F33.0",),
        55,
        "F",
    ),
    DevNote(
        "gad",
        """HPI: excessive worry for 8 months, GAD-7 administered and scored: 13. No panic attacks.
Assessment: Generalized anxiety disorder.
Plan: sertraline, therapy.""",
        ("F41.1",),
        33,
        "F",
    ),
    DevNote(
        "insomnia",
        """A: Insomnia. No snoring or witnessed apneas, so sleep apnea unlikely. P: sleep hygiene, CBT-I.""",
        ("G47.00",),
        50,
        "F",
    ),
    # ------------------------------------------------------------------ endocrine, nutrition, misc
    DevNote(
        "hypothyroid",
        """Assessment: Hypothyroidism, TSH 3.1 on levothyroxine 100 mcg.
Plan: continue current dose.""",
        ("E03.9",),
        59,
        "F",
    ),
    DevNote(
        "b12_deficiency_injection",
        """NURSE VISIT
Assessment: Vitamin B12 deficiency anemia.
Procedure: Cyanocobalamin 1000 mcg IM injection given in left deltoid.""",
        ("D51.9",),
        68,
        "F",
    ),
    DevNote(
        "vitamin_d_deficiency",
        """A: Vitamin D deficiency, level 14. P: ergocalciferol 50,000 units weekly.""",
        ("E55.9",),
        45,
        "F",
    ),
    DevNote(
        "obesity_class_2_bmi",
        """ASSESSMENT/PLAN:
1. Obesity, class 2
2. BMI 37.4, adult
Diet and exercise counseling provided.""",
        ("E66.812", "Z68.37"),
        50,
        "M",
    ),
    DevNote(
        "morbid_obesity",
        """Assessment:
1. Morbid obesity due to excess calories
2. BMI 42.0
Plan: bariatric surgery referral.""",
        ("E66.01", "Z68.41"),
        44,
        "F",
    ),
    DevNote(
        "migraine",
        """HPI: recurrent throbbing headaches with photophobia.
Assessment: Migraine without aura, not intractable.
Plan: sumatriptan prn.""",
        ("G43.009",),
        29,
        "F",
    ),
    DevNote(
        "headache_rule_out_migraine",
        """CC: headache
HPI: 3 days of frontal headache. Denies fever, denies neck stiffness, no vision changes.
Assessment: Headache, possible migraine.
Plan: ibuprofen, headache diary.""",
        ("R51.9",),
        26,
        "M",
    ),
    DevNote(
        "constipation",
        """A: Constipation. No rectal bleeding. P: fiber, polyethylene glycol.""",
        ("K59.00",),
        80,
        "F",
    ),
    DevNote(
        "otitis_media_left",
        """CC: ear pain
HPI: 4 yo with left ear pain and fever for 1 day.
Exam: left TM bulging and erythematous, right TM normal.
Assessment: Acute otitis media, left ear.
Plan: amoxicillin 90 mg/kg/day.""",
        ("H66.92",),
        4,
        "M",
    ),
    DevNote(
        "otitis_media_side_missing",
        """Assessment: Otitis media.
Plan: amoxicillin x 10 days, recheck 2 weeks.""",
        ("H66.90",),
        6,
        "F",
    ),
    # ------------------------------------------------------------------ prevention and visits
    DevNote(
        "adult_physical_normal",
        """CHIEF COMPLAINT: Annual physical.
Assessment: Encounter for general adult medical examination without abnormal findings.
Plan: age-appropriate screening, labs.""",
        ("Z00.00",),
        40,
        "M",
    ),
    DevNote(
        "adult_physical_abnormal_bp",
        """Assessment:
1. General adult medical examination with abnormal findings
2. Elevated blood pressure reading without diagnosis of hypertension
Plan: recheck BP in 4 weeks.""",
        ("Z00.01", "R03.0"),
        38,
        "F",
    ),
    DevNote(
        "well_child",
        """Assessment: Routine child health examination without abnormal findings. Growth and development normal.
Plan: vaccines up to date.""",
        ("Z00.129",),
        5,
        "F",
    ),
    DevNote(
        "flu_vaccine_only",
        """NURSE VISIT
Patient here for flu shot. Influenza vaccine 0.5 mL administered IM in right deltoid. No reactions.
Assessment: Encounter for immunization.""",
        ("Z23",),
        45,
        "F",
    ),
    DevNote(
        "colon_cancer_screening_family_history",
        """Assessment:
1. Encounter for screening for malignant neoplasm of colon
2. Family history of colon cancer in father
Plan: colonoscopy referral.""",
        ("Z12.11", "Z80.0"),
        45,
        "M",
    ),
    DevNote(
        "fatigue_rule_out_hypothyroidism",
        """CC: tired all the time
HPI: 3 months of fatigue. Denies weight change, denies depression.
Assessment: Fatigue, rule out hypothyroidism.
Plan: TSH, CBC.""",
        ("R53.83",),
        41,
        "F",
    ),
    DevNote(
        "dizziness",
        """A: Dizziness, no vertigo, no syncope. Orthostatics normal. P: hydration, follow up 2 weeks.""",
        ("R42",),
        78,
        "F",
    ),
    DevNote(
        "rlq_pain_rule_out_appendicitis",
        """HPI: 19 yo with right lower quadrant pain since this morning, nausea, no vomiting.
Assessment: Right lower quadrant pain, rule out appendicitis.
Plan: sent to ED for CT.""",
        ("R10.31",),
        19,
        "M",
    ),
    DevNote(
        "history_tia_no_current",
        """HPI: 75 yo with history of TIA in 2021, no residual deficits. Here for BP check.
Assessment:
1. Essential hypertension
2. Personal history of TIA
Plan: continue aspirin and amlodipine.""",
        ("I10", "Z86.73"),
        75,
        "M",
    ),
    DevNote(
        "breast_cancer_family_history_only",
        """S: 42 yo F requests earlier mammogram. Mother with breast cancer at 48. No breast lump, no nipple discharge.
A: Family history of breast cancer.
P: screening mammogram ordered.""",
        ("Z80.3",),
        42,
        "F",
    ),
    DevNote(
        "viral_syndrome_fever",
        """HPI: 2 days of fever, myalgias. Flu swab negative.
Assessment: Viral infection.
Plan: supportive care.""",
        ("B34.9",),
        30,
        "M",
    ),
    DevNote(
        "chf_htn",
        """Assessment:
1. Hypertension
2. Heart failure
Plan: continue furosemide, lisinopril. Daily weights.""",
        ("I11.0", "I50.9"),
        79,
        "M",
    ),
    DevNote(
        "anemia_unspecified",
        """A: Anemia, Hgb 10.8. P: iron studies, CBC in 4 weeks.""",
        ("D64.9",),
        63,
        "F",
    ),
)
