"""Synthetic primary-care visit scenarios (codes, lines, SOAP note templates) for the demo practice.

Everything here is invented demo data for a *synthetic* outpatient practice. A scenario holds:

* eligibility (age range, sexes) and a relative frequency ``weight``;
* one or more diagnosis variants: ICD-10-CM codes in claim order (first-listed first) together
  with the phrases the note uses, so that a rendered note supports exactly those codes (laterality
  words included when a code has laterality);
* the visit code (office E/M, preventive or AWV; ``None`` for nurse/procedure-only visits) and the
  other service lines (code, modifiers, units, 1-based diagnosis pointers, NDC for drug J-codes);
* 2-3 alternative SOAP note templates with ``{placeholders}``.

Coding conventions the variants follow (outpatient guidelines): uncertain diagnoses ("rule out",
"probable", "suspected") are never coded, their signs/symptoms are; negated findings are not coded;
incidental family history or remote surgical history mentioned in a note is not coded unless it
affects the care given; "use additional code" companions (CKD stage, BMI, long-term drug use,
nicotine status) are coded when documented; external cause codes are never first-listed.

CPT codes appear only as bare codes. The charge master short names are the practice's own labels,
not CPT descriptors. NDCs are synthetic (labeler 99990). Money is ``Decimal``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

PhraseValue = str | tuple[str, ...]
Phrases = tuple[tuple[str, PhraseValue], ...]

EM_NEW = frozenset({"99202", "99203", "99204", "99205"})
EM_ESTABLISHED = frozenset({"99212", "99213", "99214", "99215"})
PREVENTIVE = frozenset(
    {f"{c}" for c in range(99385, 99388)} | {f"{c}" for c in range(99395, 99398)} | {"G0438", "G0439"}
)
VISIT_CODES = EM_NEW | EM_ESTABLISHED | PREVENTIVE

SEXES = frozenset({"M", "F"})
FEMALE = frozenset({"F"})


def _p(**kw: PhraseValue) -> Phrases:
    """Freeze keyword phrases into a sorted tuple of pairs (hashable, immutable)."""
    return tuple(sorted(kw.items()))


@dataclass(frozen=True)
class ProcedureLine:
    """One service line: CPT/HCPCS code, up to 4 modifiers, units, 1-based diagnosis pointers."""

    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    pointers: tuple[int, ...] = (1,)
    ndc: str | None = None


@dataclass(frozen=True)
class DiagnosisVariant:
    """One alternative diagnosis set with the note phrases that support it.

    ``lines`` (when given) replaces the scenario's non-visit lines, ``em_code`` (when given)
    replaces the scenario's visit code for this variant.
    """

    codes: tuple[str, ...]
    phrases: Phrases = ()
    lines: tuple[ProcedureLine, ...] | None = None
    em_code: str | None = None
    weight: int = 1


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    weight: int
    min_age: int
    max_age: int
    sexes: frozenset[str]
    diagnoses: tuple[DiagnosisVariant, ...]
    em_code: str | None
    note_templates: tuple[str, ...]
    lines: tuple[ProcedureLine, ...] = ()
    em_modifiers: tuple[str, ...] = ()
    phrases: Phrases = ()

    def eligible(self, age: int, sex: str) -> bool:
        return self.min_age <= age <= self.max_age and sex in self.sexes

    def diagnosis_codes(self, variant_index: int) -> tuple[str, ...]:
        return self.diagnoses[variant_index].codes

    def visit_code(self, variant_index: int) -> str | None:
        override = self.diagnoses[variant_index].em_code
        return override if override is not None else self.em_code

    def claim_lines(self, variant_index: int) -> tuple[ProcedureLine, ...]:
        """All service lines for the variant, the visit (E/M / preventive) line first."""
        variant = self.diagnoses[variant_index]
        others = variant.lines if variant.lines is not None else self.lines
        visit = self.visit_code(variant_index)
        if visit is None:
            return tuple(others)
        pointers = tuple(i for i, code in enumerate(variant.codes, start=1) if not is_external_cause(code))[:4]
        return (ProcedureLine(visit, self.em_modifiers, 1, pointers),) + tuple(others)


@dataclass(frozen=True)
class PatientFacts:
    first_name: str
    last_name: str
    age: int
    sex: str  # 'M' or 'F'


@dataclass(frozen=True)
class ChargeItem:
    """A practice charge master row. ``short_name`` is the practice's own label."""

    code: str
    modifier: str | None
    short_name: str
    price: Decimal


def is_external_cause(code: str) -> bool:
    """ICD-10-CM chapter 20 (V00-Y99): never first-listed, never the only pointer."""
    return code[:1] in {"V", "W", "X", "Y"}


# ---------------------------------------------------------------------------------------------
# Shared note fragments
# ---------------------------------------------------------------------------------------------

_VITALS = "BP {bp}, HR {pulse}, RR {resp}, Temp {temp} F, SpO2 {spo2}% RA, Wt {weight_lb} lb, BMI {bmi}."
_VITALS_SHORT = "BP {bp}  P {pulse}  T {temp}  Wt {weight_lb} lb"
_HEADER = "Patient: {last_name}, {first_name}   Age: {age}   Sex: {sex_word}\n\n"
_SIG = "Electronically signed by {provider}."
_NURSE_SIG = "Performed by {nurse}. Supervising provider {provider} in office suite."


# ---------------------------------------------------------------------------------------------
# Scenario definitions
# ---------------------------------------------------------------------------------------------

_DM_TEMPLATES = (
    """CHIEF COMPLAINT: Diabetes follow-up.

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} seen for 3-month follow-up of {hpi_dx}. {hpi_detail} Current regimen: {meds}. Reports taking medications as prescribed. Denies chest pain, shortness of breath, or hypoglycemic episodes. Most recent A1c {a1c}% (drawn at outside lab last week).

PMH/PSH: s/p appendectomy as a teenager. No other active problems reviewed today.
FAMILY HISTORY: Mother with type 2 diabetes. Father with MI at 68.
SOCIAL: Never smoker. Rare alcohol.

ROS: Constitutional: no fever, no weight change. Eyes: no blurred vision. CV: denies chest pain or palpitations. GU: {ros_gu}. Neuro: {ros_neuro}.

EXAM: {vitals}
General: well-appearing, no acute distress. CV: regular rate and rhythm, no murmur. Lungs: clear to auscultation. Ext: no edema. Feet: {exam_feet}

ASSESSMENT AND PLAN:
{assessment}
{plan}
Return in 3 months with labs prior.

{signature}""",
    """S: {age} yo {sex_word} here for {hpi_dx} recheck. {hpi_detail} Takes {meds}. No chest pain, no dyspnea, no low sugars. A1c from last week {a1c}%. Family history: mother with breast cancer (unrelated to today's visit).
ROS otherwise negative except as above; {ros_neuro}.

O: {vitals}
Alert, oriented, NAD. Heart RRR. Lungs clear. Foot exam: {exam_feet}

A/P (Assessment):
{assessment}
{plan}
Follow up 3 months.

{signature}""",
)

DM_FOLLOWUP = Scenario(
    key="dm2_followup",
    title="Type 2 diabetes follow-up",
    weight=9,
    min_age=30,
    max_age=90,
    sexes=SEXES,
    em_code="99214",
    note_templates=_DM_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("E11.9", "Z79.84"),
            em_code="99213",
            phrases=_p(
                hpi_dx="type 2 diabetes mellitus",
                hpi_detail="Home fasting sugars mostly 110-135.",
                meds="metformin 1000 mg twice daily",
                a1c=("6.6", "6.8", "7.0"),
                ros_gu="no polyuria",
                ros_neuro="denies numbness or tingling in the feet",
                exam_feet="monofilament sensation intact, pedal pulses 2+, skin intact.",
                assessment="1. Type 2 diabetes mellitus without complications, at goal.\n"
                "2. Long-term (current) use of oral hypoglycemic drug (metformin).",
                plan="Continue metformin. Annual eye exam reminder given. Diet and exercise reinforced.",
            ),
        ),
        DiagnosisVariant(
            codes=("E11.65", "Z79.84"),
            phrases=_p(
                hpi_dx="type 2 diabetes mellitus",
                hpi_detail="Fasting sugars running 180-240; admits dietary lapses over the holidays.",
                meds="metformin 1000 mg twice daily and glipizide 5 mg daily",
                a1c=("8.9", "9.4", "10.2"),
                ros_gu="reports mild polyuria",
                ros_neuro="no numbness or tingling",
                exam_feet="sensation intact to monofilament, pulses 2+.",
                assessment="1. Type 2 diabetes mellitus with hyperglycemia, A1c {a1c}%, above goal.\n"
                "2. Long-term (current) use of oral hypoglycemic drugs.",
                plan="Increase glipizide to 10 mg daily. Referred to diabetes education. Rule out "
                "medication nonadherence - pill counts reviewed and adherence appears good.",
            ),
        ),
        DiagnosisVariant(
            codes=("E11.42", "Z79.84"),
            phrases=_p(
                hpi_dx="type 2 diabetes mellitus with neuropathy",
                hpi_detail="Reports burning in both feet at night for several months.",
                meds="metformin 1000 mg twice daily",
                a1c=("7.1", "7.4"),
                ros_gu="no polyuria",
                ros_neuro="burning and tingling in both feet, no weakness",
                exam_feet="decreased monofilament and vibration sense both feet to the ankles; no ulcers.",
                assessment="1. Type 2 diabetes mellitus with diabetic polyneuropathy.\n"
                "2. Long-term (current) use of oral hypoglycemic drug (metformin).",
                plan="Start gabapentin 100 mg at bedtime. Podiatry referral. Daily foot checks.",
            ),
        ),
        DiagnosisVariant(
            codes=("E11.22", "N18.31", "Z79.4"),
            phrases=_p(
                hpi_dx="type 2 diabetes mellitus with diabetic kidney disease",
                hpi_detail="eGFR 52 on labs last week, stable from 54; urine albumin mildly elevated. "
                "Metformin stopped last year for GI intolerance.",
                meds="insulin glargine 24 units at bedtime",
                a1c=("7.2", "7.5"),
                ros_gu="no hematuria, no dysuria",
                ros_neuro="no numbness or tingling",
                exam_feet="monofilament intact, pulses 2+.",
                assessment="1. Type 2 diabetes mellitus with diabetic chronic kidney disease.\n"
                "2. Chronic kidney disease stage 3a (eGFR 52), due to diabetes.\n"
                "3. Long-term (current) use of insulin.",
                plan="Continue glargine. Start empagliflozin 10 mg daily for renal protection. "
                "Avoid NSAIDs. Recheck BMP in 4 weeks.",
            ),
        ),
    ),
)

_HTN_TEMPLATES = (
    """CC: Blood pressure follow-up.

HPI: {first_name} is a {age}-year-old {sex_word} with {hpi_dx} returning for follow-up. {hpi_detail} Home readings average {home_bp}. Denies chest pain, headache, vision changes, or leg swelling.

Medications: {meds}.
Family history: Mother with breast cancer. Father with hypertension and stroke.
Social: {social}

ROS: No fever. No palpitations. No shortness of breath. No syncope.

EXAM: {vitals}
Gen: NAD. Neck: no JVD, no carotid bruit. CV: RRR without murmur. Lungs: clear. Ext: no edema.

ASSESSMENT/PLAN:
{assessment}
{plan}

{signature}""",
    """SUBJECTIVE: {age} y/o {sex_word} for HTN recheck. {hpi_detail} Taking {meds} daily, no side effects. Denies CP/SOB, no headaches. {social}

OBJECTIVE: {vitals}
Heart regular, lungs clear, no peripheral edema.

ASSESSMENT:
{assessment}
PLAN: {plan}

{signature}""",
)

HTN_FOLLOWUP = Scenario(
    key="htn_followup",
    title="Hypertension follow-up",
    weight=10,
    min_age=30,
    max_age=95,
    sexes=SEXES,
    em_code="99213",
    note_templates=_HTN_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("I10",),
            phrases=_p(
                hpi_dx="essential hypertension",
                hpi_detail="Tolerating lisinopril well.",
                home_bp="128/78",
                bp=("126/78", "132/80", "128/82"),
                meds="lisinopril 20 mg",
                social="Never smoker. Walks 30 minutes most days.",
                assessment="Essential hypertension, controlled.",
                plan="Continue lisinopril 20 mg daily. Low-sodium diet reviewed. RTC 6 months.",
            ),
        ),
        DiagnosisVariant(
            codes=("I10", "Z87.891"),
            phrases=_p(
                hpi_dx="hypertension",
                hpi_detail="Ran out of amlodipine for a week last month.",
                home_bp="142/88",
                bp=("144/90", "148/88"),
                meds="amlodipine 5 mg",
                social="Former smoker, 20 pack-years, quit in 2015. History of nicotine dependence, "
                "no tobacco use since.",
                assessment="1. Essential hypertension, not at goal.\n"
                "2. Personal history of nicotine dependence (quit 2015).",
                plan="Increase amlodipine to 10 mg daily. Pill organizer suggested. Recheck 4 weeks.",
            ),
        ),
        DiagnosisVariant(
            codes=("I12.9", "N18.31"),
            em_code="99214",
            phrases=_p(
                hpi_dx="hypertension and chronic kidney disease",
                hpi_detail="Labs last week: creatinine 1.4, eGFR 51 (stage 3a), stable.",
                home_bp="136/84",
                bp=("138/86", "134/84"),
                meds="losartan 50 mg",
                social="Never smoker.",
                assessment="1. Hypertensive chronic kidney disease.\n2. Chronic kidney disease, stage 3a.",
                plan="Increase losartan to 100 mg daily. BMP in 2 weeks. Avoid NSAIDs. Nephrology "
                "referral if eGFR declines.",
            ),
        ),
    ),
)

_LIPID_TEMPLATES = (
    """CHIEF COMPLAINT: Cholesterol follow-up, fasting.

HPI: {first_name} {last_name}, {age}-year-old {sex_word}, returns for follow-up of {hpi_dx}. {hpi_detail} Denies muscle aches, chest pain, or exertional symptoms.
Family history: father with MI at 55, mother with breast cancer.

ROS: negative for fever, chest pain, dyspnea, abdominal pain.

EXAM: {vitals}
General: no acute distress. CV: RRR, no murmur. Lungs clear. Abdomen soft, nontender.

Fasting venous blood drawn in office; lipid panel run by in-house lab.

ASSESSMENT AND PLAN:
{assessment}
{plan}

{signature}""",
    """S: {age} yo {sex_word}, lipid recheck. {hpi_detail} No myalgias. No CP.
O: {vitals} Heart RRR, lungs CTA.
Venipuncture performed; lipid panel in-house.
A: {assessment}
P: {plan}

{signature}""",
)

LIPID_FOLLOWUP = Scenario(
    key="hyperlipidemia",
    title="Hyperlipidemia follow-up with lipid panel",
    weight=6,
    min_age=30,
    max_age=90,
    sexes=SEXES,
    em_code="99213",
    note_templates=_LIPID_TEMPLATES,
    lines=(ProcedureLine("36415", pointers=(1,)), ProcedureLine("80061", pointers=(1,))),
    diagnoses=(
        DiagnosisVariant(
            codes=("E78.5",),
            phrases=_p(
                hpi_dx="hyperlipidemia",
                hpi_detail="Has been working on diet; not on medication yet.",
                assessment="Hyperlipidemia. 10-year ASCVD risk discussed.",
                plan="Therapeutic lifestyle changes; decide on statin after today's panel.",
            ),
        ),
        DiagnosisVariant(
            codes=("E78.2", "Z79.899"),
            lines=(ProcedureLine("36415", pointers=(1, 2)), ProcedureLine("80061", pointers=(1, 2))),
            phrases=_p(
                hpi_dx="mixed hyperlipidemia",
                hpi_detail="On atorvastatin 40 mg daily for 2 years; triglycerides were 310 last time.",
                assessment="1. Mixed hyperlipidemia.\n2. Long-term (current) statin therapy, monitoring.",
                plan="Continue atorvastatin 40 mg. Limit alcohol and refined carbs. Results by portal.",
            ),
        ),
        DiagnosisVariant(
            codes=("E78.00",),
            phrases=_p(
                hpi_dx="high cholesterol",
                hpi_detail="LDL 178 a year ago with normal triglycerides; declined statin then.",
                assessment="Pure hypercholesterolemia.",
                plan="Discussed statin benefit; will call with results and start rosuvastatin if LDL "
                "remains above 160.",
            ),
        ),
    ),
)

_URI_TEMPLATES = (
    """CHIEF COMPLAINT: {cc}

HPI: {first_name} is a {age}-year-old {sex_word} with {duration} of {symptoms}. {hpi_detail} No sick contacts with confirmed influenza. Denies chest pain, shortness of breath, or wheezing.

ROS: {ros}

EXAM: {vitals}
General: mildly ill-appearing, nontoxic. HEENT: nasal mucosa edematous with clear rhinorrhea, oropharynx mildly erythematous without exudate, TMs normal. Neck: supple, no lymphadenopathy. Lungs: {lungs}

ASSESSMENT/PLAN:
{assessment}
{plan}
Return if fever persists beyond 3 days, dyspnea, or worsening.

{signature}""",
    """S: {cc} x {duration}. {symptoms_cap}. {hpi_detail} {ros}
O: {vitals}
Nose congested, throat mildly red, no exudate. Lungs: {lungs}
A: {assessment}
P: {plan}

{signature}""",
)

URI = Scenario(
    key="uri",
    title="Acute upper respiratory infection / cough",
    weight=8,
    min_age=1,
    max_age=90,
    sexes=SEXES,
    em_code="99213",
    note_templates=_URI_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("J06.9",),
            phrases=_p(
                cc="Cough and congestion",
                duration="4 days",
                symptoms="nasal congestion, sore throat, and dry cough",
                symptoms_cap="Nasal congestion, sore throat, dry cough",
                hpi_detail="Low-grade temperature at home on day 1 only.",
                ros="No fever now. No ear pain. No rash. No vomiting.",
                lungs="clear bilaterally, no crackles, no wheeze.",
                spo2=("97", "98", "99"),
                assessment="Acute upper respiratory infection. Rule out pneumonia: lungs clear and "
                "SpO2 normal, no imaging indicated.",
                plan="Supportive care, fluids, saline rinses, honey for cough. No antibiotics indicated.",
            ),
        ),
        DiagnosisVariant(
            codes=("J00",),
            em_code="99212",
            phrases=_p(
                cc="Runny nose",
                duration="3 days",
                symptoms="runny nose, sneezing, and scratchy throat",
                symptoms_cap="Runny nose, sneezing, scratchy throat",
                hpi_detail="Several coworkers/classmates with colds.",
                ros="Denies fever. No ear pain. No cough productive of sputum.",
                lungs="clear.",
                assessment="Acute nasopharyngitis (common cold).",
                plan="Symptomatic treatment, rest, fluids. Handwashing reviewed.",
            ),
        ),
        DiagnosisVariant(
            codes=("R05.1", "R50.9"),
            phrases=_p(
                cc="Cough and fever",
                duration="2 days",
                symptoms="dry cough and fever",
                symptoms_cap="Dry cough and fever",
                hpi_detail="Tmax 101.8 at home.",
                temp=("100.8", "101.2"),
                ros="Denies chest pain, denies hemoptysis, no rash.",
                lungs="scattered rhonchi clearing with cough, no focal crackles.",
                assessment="1. Acute cough.\n2. Fever.\nRule out early pneumonia versus viral "
                "bronchitis; possible influenza.",
                plan="Chest x-ray ordered at imaging center. Antipyretics. Call with results; return if worse.",
            ),
        ),
    ),
)

_SINUS_TEMPLATES = (
    """CHIEF COMPLAINT: Sinus pressure.

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} with {duration} of facial pressure, purulent nasal discharge and congestion. {hpi_detail} Denies vision changes, periorbital swelling, or severe headache. No fever today.

ROS: No chest pain. No shortness of breath. No ear pain.

EXAM: {vitals}
HEENT: {exam} Oropharynx with postnasal drainage. TMs clear. Neck supple. Lungs clear.

ASSESSMENT AND PLAN:
{assessment}
Amoxicillin-clavulanate 875 mg twice daily for 7 days, saline irrigation, nasal steroid. Return if no improvement in 72 hours.

{signature}""",
    """S: {age} yo {sex_word}, sinus congestion and facial pain x {duration}. {hpi_detail} No fever, no vision change.
O: {vitals} {exam} Lungs clear.
A: {assessment}
P: Augmentin x7 days, Flonase, saline rinses. RTC prn.

{signature}""",
)

SINUSITIS = Scenario(
    key="sinusitis",
    title="Acute sinusitis",
    weight=5,
    min_age=18,
    max_age=90,
    sexes=SEXES,
    em_code="99213",
    note_templates=_SINUS_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("J01.00",),
            phrases=_p(
                duration="12 days",
                hpi_detail="Initially improved then worsened over the last 3 days (double worsening).",
                exam="Tenderness over both maxillary sinuses, purulent drainage in the nares.",
                assessment="Acute maxillary sinusitis.",
            ),
        ),
        DiagnosisVariant(
            codes=("J01.90",),
            phrases=_p(
                duration="11 days",
                hpi_detail="Persistent congestion without improvement.",
                exam="Boggy turbinates, purulent discharge.",
                assessment="Acute sinusitis.",
            ),
        ),
        DiagnosisVariant(
            codes=("J01.01",),
            phrases=_p(
                duration="10 days",
                hpi_detail="This is the fourth episode this year; each cleared with antibiotics.",
                exam="Maxillary tenderness, purulent drainage.",
                assessment="Acute recurrent maxillary sinusitis. Consider ENT referral if another episode occurs.",
            ),
        ),
    ),
)

_PHARYNGITIS_TEMPLATES = (
    """CHIEF COMPLAINT: Sore throat.

HPI: {first_name} is a {age}-year-old {sex_word} with 2 days of sore throat and painful swallowing. {hpi_detail} Denies cough, denies drooling or difficulty breathing. No rash.

ROS: {ros}

EXAM: {vitals}
Pharynx: {exam} TMs normal. Neck: tender anterior cervical nodes. Lungs clear. No hepatosplenomegaly.

In-office rapid strep antigen test (CLIA-waived): {strep_result}.

ASSESSMENT/PLAN:
{assessment}
{plan}

{signature}""",
    """S: Sore throat x 2 days. {hpi_detail} No cough. {ros}
O: {vitals} {exam}
Rapid strep: {strep_result}.
A: {assessment}
P: {plan} Return to school/work after 24 h fever-free.

{signature}""",
)

PHARYNGITIS = Scenario(
    key="pharyngitis",
    title="Acute pharyngitis with rapid strep",
    weight=6,
    min_age=3,
    max_age=70,
    sexes=SEXES,
    em_code="99213",
    note_templates=_PHARYNGITIS_TEMPLATES,
    lines=(ProcedureLine("87880", modifiers=("QW",), pointers=(1,)),),
    diagnoses=(
        DiagnosisVariant(
            codes=("J02.0",),
            phrases=_p(
                hpi_detail="Fever to 102 at home.",
                temp=("101.4", "102.0"),
                ros="Positive for fever and headache. Denies abdominal pain.",
                exam="tonsils enlarged with white exudate, palatal petechiae.",
                strep_result="POSITIVE",
                assessment="Streptococcal pharyngitis, confirmed by rapid antigen test.",
                plan="Amoxicillin 50 mg/kg/day (max 1000 mg) daily x 10 days. Replace toothbrush.",
            ),
        ),
        DiagnosisVariant(
            codes=("J02.9",),
            phrases=_p(
                hpi_detail="Low-grade temperature, runny nose yesterday.",
                ros="No fever today. No ear pain. No abdominal pain.",
                exam="mild erythema without exudate.",
                strep_result="negative",
                assessment="Acute pharyngitis. Rapid strep negative; throat culture sent to rule out strep.",
                plan="Supportive care, warm salt-water gargles. Will call if culture is positive.",
            ),
        ),
    ),
)

_UTI_TEMPLATES = (
    """CHIEF COMPLAINT: Burning with urination.

HPI: {first_name} {last_name} is a {age}-year-old female with {duration} of {symptoms}. {hpi_detail} Denies fever, chills, flank pain, nausea or vaginal discharge. Denies possibility of pregnancy.

ROS: Otherwise negative.

EXAM: {vitals}
Abdomen: soft, mild suprapubic tenderness, no CVA tenderness bilaterally.

Office urine dipstick (non-automated, no microscopy): {ua}.

ASSESSMENT AND PLAN:
{assessment}
{plan}
Push fluids. Return if fever or flank pain.

{signature}""",
    """S: {age} yo F with {symptoms} x {duration}. {hpi_detail} No fever, no back pain, no discharge.
O: {vitals} Abd soft, suprapubic tenderness, no CVAT.
UA dip in office: {ua}.
A: {assessment}
P: {plan}

{signature}""",
)

UTI = Scenario(
    key="uti_female",
    title="Urinary tract infection (female) with urinalysis",
    weight=6,
    min_age=18,
    max_age=80,
    sexes=FEMALE,
    em_code="99213",
    note_templates=_UTI_TEMPLATES,
    lines=(ProcedureLine("81002", pointers=(1,)),),
    diagnoses=(
        DiagnosisVariant(
            codes=("N39.0",),
            phrases=_p(
                duration="3 days",
                symptoms="dysuria and urgency",
                hpi_detail="Similar episode two years ago.",
                ua="leukocyte esterase 2+, nitrite positive, blood negative",
                assessment="Urinary tract infection.",
                plan="Nitrofurantoin 100 mg twice daily x 5 days. Urine culture sent.",
            ),
        ),
        DiagnosisVariant(
            codes=("N30.00",),
            phrases=_p(
                duration="2 days",
                symptoms="dysuria and frequency",
                hpi_detail="No visible blood in urine.",
                ua="leukocytes 3+, nitrite positive, blood negative",
                assessment="Acute cystitis without hematuria.",
                plan="Nitrofurantoin 100 mg twice daily x 5 days.",
            ),
        ),
        DiagnosisVariant(
            codes=("N30.01",),
            phrases=_p(
                duration="2 days",
                symptoms="dysuria, frequency, and pink urine",
                hpi_detail="Noticed blood-tinged urine this morning.",
                ua="leukocytes 2+, nitrite positive, blood 3+",
                assessment="Acute cystitis with hematuria.",
                plan="TMP-SMX DS twice daily x 3 days. Repeat UA after treatment to confirm hematuria resolves.",
            ),
        ),
        DiagnosisVariant(
            codes=("R30.0", "R35.0"),
            lines=(ProcedureLine("81002", pointers=(1, 2)),),
            phrases=_p(
                duration="5 days",
                symptoms="dysuria and urinary frequency",
                hpi_detail="New soap product last week.",
                ua="negative for leukocytes, nitrite and blood",
                assessment="1. Dysuria.\n2. Urinary frequency.\nRule out UTI - dipstick negative; "
                "urine culture sent. Possible irritant cause.",
                plan="Hold antibiotics pending culture. Stop new soap. Call in 48 hours.",
            ),
        ),
    ),
)

_BACK_TEMPLATES = (
    """CHIEF COMPLAINT: Low back pain.

HPI: {first_name} is a {age}-year-old {sex_word} with {duration} of low back pain after {trigger}. {radiation} Denies saddle anesthesia, denies bowel or bladder incontinence, no fever, no weight loss. No history of cancer. History of similar episode 5 years ago that resolved with physical therapy.

ROS: Negative for abdominal pain, dysuria, chest pain.

EXAM: {vitals}
Back: paraspinal tenderness L4-S1, no midline step-off. {exam} Strength 5/5 in both lower extremities, reflexes symmetric.

ASSESSMENT/PLAN:
{assessment}
No imaging indicated at this time; rule out herniated disc if not improved in 6 weeks.
Naproxen 500 mg twice daily with food, home exercise program, heat. PT referral.

{signature}""",
    """S: {age} yo {sex_word} with LBP x {duration} after {trigger}. {radiation} No bowel/bladder changes, no saddle numbness, no fever.
O: {vitals} Lumbar paraspinal spasm. {exam}
A: {assessment}
P: NSAID, activity as tolerated, PT. Return if new weakness or numbness.

{signature}""",
)

LOW_BACK_PAIN = Scenario(
    key="low_back_pain",
    title="Low back pain / sciatica",
    weight=7,
    min_age=18,
    max_age=85,
    sexes=SEXES,
    em_code="99213",
    note_templates=_BACK_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("M54.50",),
            phrases=_p(
                duration="1 week",
                trigger="lifting boxes",
                radiation="Pain is non-radiating.",
                exam="Straight leg raise negative on both sides.",
                assessment="Low back pain (lumbago), mechanical, without radiculopathy.",
            ),
        ),
        DiagnosisVariant(
            codes=("M54.41",),
            phrases=_p(
                duration="10 days",
                trigger="gardening",
                radiation="Pain radiates down the back of the right leg to the calf.",
                exam="Straight leg raise positive on the right at 45 degrees.",
                assessment="Lumbago with sciatica, right side.",
            ),
        ),
        DiagnosisVariant(
            codes=("M54.42",),
            phrases=_p(
                duration="2 weeks",
                trigger="moving furniture",
                radiation="Pain shoots down the posterior left thigh.",
                exam="Straight leg raise positive on the left.",
                assessment="Lumbago with sciatica, left side.",
            ),
        ),
        DiagnosisVariant(
            codes=("M54.32",),
            phrases=_p(
                duration="3 weeks",
                trigger="a long car trip",
                radiation="Mostly buttock and posterior left leg pain; the low back itself is not painful.",
                exam="Straight leg raise positive on the left. Lumbar spine nontender.",
                assessment="Sciatica, left side (no low back pain).",
            ),
        ),
    ),
)

_PREVENTIVE_TEMPLATES = (
    """VISIT TYPE: Annual preventive examination.

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} presenting for a routine annual physical. No acute complaints. Exercises {exercise}. Diet reviewed.

PMH: none significant. PSH: s/p tonsillectomy in childhood.
Family history: noncontributory for early cardiac disease; father with hypertension.
Social: nonsmoker, alcohol 2-3 drinks/week, seat belt use always.

ROS: Constitutional: denies fatigue, fever, weight change. CV: denies chest pain. Resp: no cough or dyspnea. GI: no abdominal pain, no blood in stool. GU: no dysuria. Psych: mood good, denies depression. Skin: no new lesions.

EXAM: {vitals}
General: well-developed, well-nourished. HEENT: normal. Neck: no thyromegaly. CV: RRR, no murmurs. Lungs: clear. Abdomen: soft, non-tender, no masses. Skin: no suspicious lesions. Neuro: grossly intact.

ASSESSMENT/PLAN:
{assessment}
Age-appropriate counseling: diet, exercise, sleep, sun protection. Immunizations reviewed and up to date. Screening labs per guidelines. {plan}

{signature}""",
    """PREVENTIVE VISIT
S: {age} yo {sex_word}, annual exam, feels well. No complaints. Exercise: {exercise}. Denies tobacco. No chest pain, no shortness of breath.
O: {vitals} Comprehensive exam normal except as noted in assessment.
A/P: Assessment:
{assessment}
Anticipatory guidance provided. {plan}

{signature}""",
)


def _preventive_variants(normal_plan: str) -> tuple[DiagnosisVariant, ...]:
    return (
        DiagnosisVariant(
            codes=("Z00.00",),
            weight=3,
            phrases=_p(
                exercise="3 times a week",
                assessment="Routine general adult medical examination without abnormal findings.",
                plan=normal_plan,
            ),
        ),
        DiagnosisVariant(
            codes=("Z00.01", "R03.0"),
            phrases=_p(
                exercise="rarely",
                bp=("142/92", "146/90"),
                assessment="1. General adult medical examination with abnormal findings.\n"
                "2. Elevated blood pressure reading without diagnosis of hypertension; repeat "
                "reading 140/90.",
                plan="Home BP log for 2 weeks and nurse BP check in 4 weeks. " + normal_plan,
            ),
        ),
        DiagnosisVariant(
            codes=("Z00.01", "E66.3", "Z68.28"),
            phrases=_p(
                exercise="once a week",
                bmi=("28.2", "28.6"),
                assessment="1. General adult medical examination with abnormal findings.\n2. Overweight, BMI {bmi}.",
                plan="Nutrition counseling provided; goal 5% weight loss. " + normal_plan,
            ),
        ),
    )


PREVENTIVE_18_39 = Scenario(
    key="preventive_18_39",
    title="Preventive exam, established, age 18-39",
    weight=5,
    min_age=18,
    max_age=39,
    sexes=SEXES,
    em_code="99395",
    note_templates=_PREVENTIVE_TEMPLATES,
    diagnoses=_preventive_variants("Td booster due in 3 years."),
)

PREVENTIVE_40_64 = Scenario(
    key="preventive_40_64",
    title="Preventive exam, established, age 40-64",
    weight=6,
    min_age=40,
    max_age=64,
    sexes=SEXES,
    em_code="99396",
    note_templates=_PREVENTIVE_TEMPLATES,
    diagnoses=_preventive_variants("Colon cancer screening discussed; FIT kit given."),
)

_AWV_TEMPLATES = (
    """VISIT: Medicare Annual Wellness Visit ({awv_kind}).

{first_name} {last_name} is a {age}-year-old {sex_word} here for {possessive} {awv_kind} annual wellness visit. {awv_detail}
Health risk assessment completed and reviewed. Medical, surgical and family history updated; no changes since last year. Current providers and suppliers list updated.
Functional status: independent in ADLs and IADLs. Fall risk: no falls in past year, Timed Up and Go 10 seconds. Home safety reviewed.
Cognitive assessment: Mini-Cog 5/5, no concerns raised by patient or family.
{depression}
Vitals: {vitals} Vision: grossly normal with glasses.
Advance directive: on file, no changes.

ASSESSMENT/PLAN:
{assessment}
Written personalized prevention plan and 5-10 year screening schedule given. Immunizations reviewed.

{signature}""",
    """MEDICARE AWV - {awv_kind}
{age} yo {sex_word}. {awv_detail} HRA reviewed. Meds and supplements reconciled. No falls. Hearing and vision screening questions negative. Cognition: no impairment observed; Mini-Cog normal.
{depression}
{vitals}
Assessment: {assessment}
Plan: Personalized prevention plan provided; screening schedule updated.

{signature}""",
)

AWV = Scenario(
    key="awv_medicare",
    title="Medicare annual wellness visit (65+)",
    weight=6,
    min_age=65,
    max_age=100,
    sexes=SEXES,
    em_code="G0439",
    note_templates=_AWV_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("Z00.00",),
            weight=3,
            phrases=_p(
                awv_kind="subsequent",
                awv_detail="Last AWV one year ago.",
                depression="Depression risk: PHQ-2 score 0, reviewed.",
                assessment="Annual wellness visit; encounter for general adult examination without abnormal findings.",
            ),
        ),
        DiagnosisVariant(
            codes=("Z00.00",),
            em_code="G0438",
            phrases=_p(
                awv_kind="initial",
                awv_detail="First annual wellness visit; Welcome to Medicare visit was more than 12 months ago.",
                depression="Depression risk: PHQ-2 score 0, reviewed.",
                assessment="Initial annual wellness visit, no abnormal findings.",
            ),
        ),
        DiagnosisVariant(
            codes=("Z00.00", "Z13.31"),
            lines=(ProcedureLine("G0444", pointers=(2,)),),
            phrases=_p(
                awv_kind="subsequent",
                awv_detail="Last AWV 13 months ago.",
                depression="Annual depression screening: PHQ-9 administered and scored (score 3, "
                "negative), 8 minutes; denies depressed mood, denies anhedonia.",
                assessment="1. Annual wellness visit, no abnormal findings.\n"
                "2. Encounter for depression screening - negative.",
            ),
        ),
    ),
)

_LAC_TEMPLATES = (
    """PROCEDURE NOTE - Laceration repair

{first_name} {last_name} is a {age}-year-old {sex_word} who cut {possessive} {site_full} {mechanism} about 2 hours ago. Bleeding controlled with pressure. Denies numbness or weakness of the fingers. {tetanus_hx}

Exam: {length} cm linear laceration of the {site_full}, superficial, no exposed tendon, no foreign body seen or felt, full range of motion and intact sensation distally, capillary refill < 2 seconds.

Procedure: Verbal consent. Wound irrigated with 250 mL sterile saline. Local anesthesia with 1% lidocaine. Simple single-layer closure with {sutures} 4-0 nylon interrupted sutures. Total repaired length {length} cm. Tolerated well, no complications.
{tetanus_given}

ASSESSMENT:
{assessment}
PLAN: Keep dry 24 hours, suture removal in 10 days, return for redness, drainage or fever.

{signature}""",
    """Laceration repair note.
S: {age} yo {sex_word}, cut {possessive} {site_full} {mechanism}. No other injuries. {tetanus_hx}
O: {length} cm superficial laceration, {site_full}. No foreign body, neurovascularly intact, tendons intact.
Procedure: irrigation, lidocaine 1% local, simple repair with {sutures} interrupted 4-0 nylon sutures; length {length} cm.
{tetanus_given}
A: {assessment}
P: Wound care instructions; suture removal 10 days.

{signature}""",
)

LACERATION = Scenario(
    key="laceration_repair",
    title="Simple laceration repair",
    weight=3,
    min_age=7,
    max_age=90,
    sexes=SEXES,
    em_code=None,
    note_templates=_LAC_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("S61.411A", "W26.0XXA"),
            lines=(ProcedureLine("12001", pointers=(1,)),),
            phrases=_p(
                site_full="right hand (dorsum, between the 2nd and 3rd metacarpals)",
                mechanism="on a kitchen knife while slicing vegetables",
                length=("1.8", "2.2"),
                sutures="4",
                tetanus_hx="Last tetanus booster 3 years ago.",
                tetanus_given="Tetanus up to date; no vaccine given.",
                assessment="Laceration without foreign body of right hand, initial encounter, "
                "due to contact with kitchen knife.",
            ),
        ),
        DiagnosisVariant(
            codes=("S61.412A", "Z23", "W26.0XXA"),
            lines=(
                ProcedureLine("12001", pointers=(1,)),
                ProcedureLine("90471", pointers=(2,)),
                ProcedureLine("90715", pointers=(2,)),
            ),
            phrases=_p(
                site_full="left hand (thenar eminence)",
                mechanism="on a pocket knife",
                length=("2.0", "2.4"),
                sutures="5",
                tetanus_hx="Last tetanus shot more than 10 years ago.",
                tetanus_given="Tdap 0.5 mL IM right deltoid given after VIS reviewed; no reaction.",
                assessment="1. Laceration without foreign body of left hand, initial encounter "
                "(knife).\n2. Tdap immunization given.",
            ),
        ),
        DiagnosisVariant(
            codes=("S51.811A", "W25.XXXA"),
            lines=(ProcedureLine("12002", pointers=(1,)),),
            phrases=_p(
                site_full="right forearm (volar, mid-shaft)",
                mechanism="on a broken glass window",
                length=("3.6", "4.2"),
                sutures="7",
                tetanus_hx="Tdap given 2 years ago.",
                tetanus_given="Tetanus current.",
                assessment="Laceration without foreign body of right forearm, initial encounter, "
                "from sharp glass. No retained glass on exam or x-ray at urgent care.",
            ),
        ),
        DiagnosisVariant(
            codes=("S51.812A", "W25.XXXA"),
            lines=(ProcedureLine("12002", pointers=(1,)),),
            phrases=_p(
                site_full="left forearm (dorsal)",
                mechanism="on a broken drinking glass",
                length=("3.0", "5.5"),
                sutures="6",
                tetanus_hx="Tdap 4 years ago.",
                tetanus_given="Tetanus current.",
                assessment="Laceration without foreign body of left forearm, initial encounter, "
                "contact with sharp glass.",
            ),
        ),
    ),
)

_LESION_TEMPLATES = (
    """PROCEDURE VISIT - Skin lesion

{first_name} {last_name} is a {age}-year-old {sex_word} returning for removal of a skin lesion on the {site}. {hpi_detail} Denies bleeding. No personal history of skin cancer. Family history: mother with breast cancer; no family history of melanoma.

Exam: {exam}

Procedure: {procedure} Consent obtained. Tolerated well, no complications. Wound care reviewed.

ASSESSMENT:
{assessment}

{signature}""",
    """Skin lesion procedure note.
S: {age} yo {sex_word}, lesion on {site}. {hpi_detail}
O: {exam}
Procedure: {procedure}
A: {assessment}
P: Wound care; follow up prn.

{signature}""",
)

SKIN_LESION = Scenario(
    key="skin_lesion",
    title="Skin lesion destruction / removal",
    weight=3,
    min_age=25,
    max_age=90,
    sexes=SEXES,
    em_code=None,
    note_templates=_LESION_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("L82.0",),
            lines=(ProcedureLine("17110", pointers=(1,)),),
            phrases=_p(
                site="upper back",
                hpi_detail="Three lesions catch on clothing, itch and have become red and irritated.",
                exam="Three 6-8 mm stuck-on, waxy brown papules with surrounding erythema and crusting.",
                procedure="Cryotherapy with liquid nitrogen, two freeze-thaw cycles, to 3 lesions.",
                assessment="Inflamed seborrheic keratoses (3), destroyed with cryotherapy.",
            ),
        ),
        DiagnosisVariant(
            codes=("D22.61",),
            lines=(ProcedureLine("11301", pointers=(1,)),),
            phrases=_p(
                site="right forearm",
                hpi_detail="Raised mole that is irritated by a watch band.",
                exam="0.8 cm symmetric, uniformly tan, dome-shaped papule, right forearm.",
                procedure="Shave removal of 0.8 cm lesion, right forearm, after 1% lidocaine; "
                "hemostasis with aluminum chloride. Specimen to pathology.",
                assessment="Pathology addendum: benign compound melanocytic nevus, right forearm.",
            ),
        ),
        DiagnosisVariant(
            codes=("D23.72",),
            lines=(ProcedureLine("11401", pointers=(1,)),),
            phrases=_p(
                site="left thigh",
                hpi_detail="Firm bump present for a year, tender when shaving.",
                exam="0.6 cm firm dermal papule, left anterior thigh, positive dimple sign.",
                procedure="Elliptical excision, left thigh, excised diameter 0.9 cm including margins, "
                "simple closure; specimen to pathology.",
                assessment="Pathology addendum: dermatofibroma (benign fibrous histiocytoma) of "
                "skin, left thigh, margins clear.",
            ),
        ),
    ),
)

_FLU_TEMPLATES = (
    """NURSE VISIT - Influenza vaccine

{first_name} {last_name}, {age}-year-old {sex_word}, presents for seasonal influenza vaccination. Screening: denies fever or acute illness today, no history of Guillain-Barre syndrome, no severe allergic reaction to prior vaccines; egg allergy: none. VIS provided and reviewed.

Administered: {vaccine}, 0.5 mL IM {deltoid} deltoid. Lot {lot}, exp 06/30. Observed 15 minutes, no reaction.

Assessment: Encounter for immunization.

{nurse_signature}""",
    """Immunization note. {age} yo {sex_word} here for flu shot. Not ill today, no fever. No prior vaccine reactions. VIS given.
{vaccine} 0.5 mL IM, {deltoid} deltoid, lot {lot}. Tolerated well.
A: Immunization encounter (influenza).

{nurse_signature}""",
)

FLU_VACCINE = Scenario(
    key="flu_vaccine",
    title="Flu vaccine, age 3-64",
    weight=6,
    min_age=3,
    max_age=64,
    sexes=SEXES,
    em_code=None,
    note_templates=_FLU_TEMPLATES,
    lines=(ProcedureLine("90471", pointers=(1,)), ProcedureLine("90656", pointers=(1,))),
    diagnoses=(
        DiagnosisVariant(
            codes=("Z23",),
            phrases=_p(vaccine="Inactivated influenza vaccine, trivalent, preservative-free"),
        ),
    ),
)

FLU_VACCINE_MEDICARE = Scenario(
    key="flu_vaccine_medicare",
    title="Flu vaccine, Medicare 65+",
    weight=5,
    min_age=65,
    max_age=100,
    sexes=SEXES,
    em_code=None,
    note_templates=_FLU_TEMPLATES,
    lines=(ProcedureLine("G0008", pointers=(1,)), ProcedureLine("90662", pointers=(1,))),
    diagnoses=(
        DiagnosisVariant(
            codes=("Z23",),
            phrases=_p(vaccine="High-dose inactivated influenza vaccine, preservative-free"),
        ),
    ),
)

_B12_TEMPLATES = (
    """NURSE VISIT - B12 injection

{first_name} {last_name}, {age}-year-old {sex_word}, here for monthly vitamin B12 injection for {indication}. {detail} Denies new numbness, denies shortness of breath. No reactions to prior injections.

Administered cyanocobalamin 1000 mcg/mL, 1 mL IM {deltoid} deltoid. NDC on vial recorded. Lot {lot}. Tolerated well.

Assessment: {assessment}
Next injection in 4 weeks.

{nurse_signature}""",
    """B12 injection. {age} yo {sex_word}. Dx: {assessment} {detail}
Cyanocobalamin 1000 mcg IM {deltoid} deltoid, lot {lot}. No adverse reaction. RTC 1 month.

{nurse_signature}""",
)

B12_INJECTION = Scenario(
    key="b12_injection",
    title="Vitamin B12 injection (nurse visit)",
    weight=3,
    min_age=30,
    max_age=95,
    sexes=SEXES,
    em_code=None,
    note_templates=_B12_TEMPLATES,
    lines=(
        ProcedureLine("96372", pointers=(1,)),
        ProcedureLine("J3420", pointers=(1,), ndc="99990012301"),
    ),
    diagnoses=(
        DiagnosisVariant(
            codes=("E53.8",),
            phrases=_p(
                indication="vitamin B12 deficiency",
                detail="Last B12 level 180 pg/mL; hemoglobin normal, no anemia.",
                assessment="Vitamin B12 deficiency without anemia.",
            ),
        ),
        DiagnosisVariant(
            codes=("D51.0",),
            phrases=_p(
                indication="pernicious anemia",
                detail="Intrinsic factor antibody positive (2023).",
                assessment="Pernicious anemia (B12 deficiency anemia due to intrinsic factor deficiency).",
            ),
        ),
    ),
)

_LAB_TEMPLATES = (
    """LAB VISIT

{first_name} {last_name}, {age}-year-old {sex_word}, presents fasting for labs ordered by {provider} for {indication}. Patient denies fever or acute complaints.

Venipuncture right antecubital, one attempt, 2 tubes. Specimens processed by in-house lab: {tests}. Pressure dressing applied, no hematoma.

Assessment: {assessment}

{nurse_signature}""",
    """Lab draw. {age} yo {sex_word}, fasting 12 hours. Order reason: {indication}.
Venipuncture L antecubital x1. Tests run in office lab: {tests}.
Dx: {assessment}

{nurse_signature}""",
)

LAB_DRAW = Scenario(
    key="lab_draw",
    title="Venipuncture and in-house labs",
    weight=5,
    min_age=30,
    max_age=90,
    sexes=SEXES,
    em_code=None,
    note_templates=_LAB_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("E11.9", "E78.5"),
            lines=(
                ProcedureLine("36415", pointers=(1, 2)),
                ProcedureLine("83036", pointers=(1,)),
                ProcedureLine("80053", pointers=(1,)),
                ProcedureLine("80061", pointers=(2,)),
            ),
            phrases=_p(
                indication="type 2 diabetes without complications and hyperlipidemia monitoring",
                tests="hemoglobin A1c, comprehensive metabolic panel, lipid panel",
                assessment="Type 2 diabetes mellitus without complications; hyperlipidemia.",
            ),
        ),
        DiagnosisVariant(
            codes=("I10", "E78.00"),
            lines=(
                ProcedureLine("36415", pointers=(1, 2)),
                ProcedureLine("80053", pointers=(1,)),
                ProcedureLine("80061", pointers=(2,)),
            ),
            phrases=_p(
                indication="essential hypertension and pure hypercholesterolemia",
                tests="comprehensive metabolic panel, lipid panel",
                assessment="Essential hypertension; pure hypercholesterolemia.",
            ),
        ),
        DiagnosisVariant(
            codes=("Z13.1", "Z13.220"),
            lines=(
                ProcedureLine("36415", pointers=(1, 2)),
                ProcedureLine("83036", pointers=(1,)),
                ProcedureLine("80061", pointers=(2,)),
            ),
            phrases=_p(
                indication="screening for diabetes and lipid disorders (no known diabetes or hyperlipidemia)",
                tests="hemoglobin A1c, lipid panel",
                assessment="Screening for diabetes mellitus; screening for lipoid disorders.",
            ),
        ),
    ),
)

_COPD_TEMPLATES = (
    """CHIEF COMPLAINT: Increased shortness of breath.

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} with COPD presenting with 4 days of increased dyspnea, more cough, and sputum that changed from white to yellow. Using albuterol every 3-4 hours. Denies chest pain, denies hemoptysis, no leg swelling. Seen at urgent care yesterday: chest x-ray there showed hyperinflation, no infiltrate. {smoking}

ROS: Subjective chills, no documented fever. No orthopnea.

EXAM: {vitals}
General: mild respiratory distress, speaking full sentences. Lungs: diffuse expiratory wheezes, prolonged expiratory phase, no crackles. CV: RRR. Ext: no edema.

ASSESSMENT AND PLAN:
{assessment}
Rule out pneumonia: no infiltrate on yesterday's film, afebrile; not treating as pneumonia.
Prednisone 40 mg daily x 5 days, doxycycline 100 mg twice daily x 5 days, continue tiotropium, albuterol as needed. Return in 1 week or ER if worse.

{signature}""",
    """S: {age} yo {sex_word} with COPD, worse SOB and purulent sputum x 4 days. Denies CP. Outside CXR negative for pneumonia. {smoking}
O: {vitals} Diffuse wheezes, no crackles.
A: {assessment}
P: Steroid burst, doxycycline, inhaler technique reviewed. F/u 1 week.

{signature}""",
)

COPD = Scenario(
    key="copd_exacerbation",
    title="COPD exacerbation",
    weight=4,
    min_age=45,
    max_age=95,
    sexes=SEXES,
    em_code="99214",
    note_templates=_COPD_TEMPLATES,
    phrases=_p(spo2=("91", "92", "93"), resp=("20", "22")),
    diagnoses=(
        DiagnosisVariant(
            codes=("J44.1", "F17.210"),
            phrases=_p(
                smoking="Current smoker, 1 pack of cigarettes per day; dependent, not ready to quit.",
                assessment="1. Chronic obstructive pulmonary disease with acute exacerbation.\n"
                "2. Nicotine dependence, cigarettes, uncomplicated. Cessation advised.",
            ),
        ),
        DiagnosisVariant(
            codes=("J44.1", "Z87.891"),
            phrases=_p(
                smoking="Former smoker (40 pack-years), quit 6 years ago - history of nicotine dependence.",
                assessment="1. COPD with acute exacerbation.\n2. Personal history of nicotine dependence.",
            ),
        ),
    ),
)

_ASTHMA_TEMPLATES = (
    """CHIEF COMPLAINT: Asthma follow-up.

HPI: {first_name} is a {age}-year-old {sex_word} with asthma. {hpi_detail} Denies fever. No chest pain. Family history: mother with asthma and allergic rhinitis.

Medications: {meds}

ROS: No vomiting, no rash.

EXAM: {vitals}
HEENT: normal. Lungs: {lungs} CV: RRR.

ASSESSMENT/PLAN:
{assessment}
{plan}
Asthma action plan updated.

{signature}""",
    """S: {age} yo {sex_word}, asthma. {hpi_detail} Meds: {meds}. No fever.
O: {vitals} Lungs: {lungs}
A: {assessment}
P: {plan}

{signature}""",
)

ASTHMA = Scenario(
    key="asthma",
    title="Asthma visit",
    weight=4,
    min_age=5,
    max_age=80,
    sexes=SEXES,
    em_code="99213",
    note_templates=_ASTHMA_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("J45.20",),
            phrases=_p(
                hpi_detail="Symptoms 1 day a week, no night waking, uses albuterol about once a week with exercise.",
                meds="albuterol HFA as needed",
                lungs="clear, no wheeze.",
                assessment="Mild intermittent asthma, uncomplicated, well controlled.",
                plan="Continue albuterol prn, pre-exercise use.",
            ),
        ),
        DiagnosisVariant(
            codes=("J45.30",),
            phrases=_p(
                hpi_detail="Symptoms 3 days a week, night cough twice a month.",
                meds="albuterol HFA as needed",
                lungs="clear, no wheeze today.",
                assessment="Mild persistent asthma, uncomplicated.",
                plan="Start low-dose inhaled fluticasone daily. Recheck 6 weeks.",
            ),
        ),
        DiagnosisVariant(
            codes=("J45.41",),
            em_code="99214",
            phrases=_p(
                hpi_detail="Three days of increased wheeze and cough after a cold; using albuterol "
                "every 4 hours. Rule out pneumonia: no fever, no focal findings.",
                meds="budesonide-formoterol twice daily, albuterol prn",
                spo2=("94", "95"),
                lungs="diffuse expiratory wheezes, good air movement, no crackles.",
                assessment="Moderate persistent asthma with acute exacerbation.",
                plan="Prednisone burst 5 days. Continue controller. Recheck in 1 week.",
            ),
        ),
    ),
)

_GERD_TEMPLATES = (
    """CHIEF COMPLAINT: {cc}

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} with {hpi_detail} Worse after large meals and lying down. Denies dysphagia, denies weight loss, no melena or hematemesis. History of H. pylori treated 2019, eradication confirmed.
Family history: mother with breast cancer; no family history of GI cancer.

ROS: No fever. No shortness of breath.

EXAM: {vitals}
CV: RRR, no murmur. Lungs clear. Abdomen: soft, mild epigastric tenderness, no rebound.
{ekg}

ASSESSMENT/PLAN:
{assessment}
Omeprazole 20 mg daily before breakfast x 8 weeks. Elevate head of bed, avoid late meals. {plan}

{signature}""",
    """S: {cc}. {hpi_detail} No dysphagia, no GI bleeding.
O: {vitals} Abd soft, epigastric tenderness.
{ekg}
A: {assessment}
P: PPI trial 8 weeks, diet changes. {plan}

{signature}""",
)

GERD = Scenario(
    key="gerd",
    title="Gastro-esophageal reflux",
    weight=4,
    min_age=20,
    max_age=90,
    sexes=SEXES,
    em_code="99213",
    note_templates=_GERD_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("K21.9",),
            phrases=_p(
                cc="Heartburn",
                hpi_detail="2 months of burning heartburn and sour regurgitation several nights a week.",
                ekg="",
                assessment="Gastro-esophageal reflux disease without esophagitis.",
                plan="EGD if alarm symptoms develop.",
            ),
        ),
        DiagnosisVariant(
            codes=("K21.9",),
            em_code="99214",
            lines=(ProcedureLine("93000", pointers=(1,)),),
            phrases=_p(
                cc="Burning chest discomfort",
                hpi_detail="burning substernal discomfort after meals for 3 weeks, no exertional "
                "component, relieved by antacids.",
                ekg="12-lead EKG in office (interpreted by me): normal sinus rhythm, rate 72, no ST "
                "changes. Rule out cardiac cause - EKG normal, no exertional features.",
                assessment="Gastro-esophageal reflux disease without esophagitis; chest discomfort due to reflux.",
                plan="Stress test if exertional symptoms develop.",
            ),
        ),
        DiagnosisVariant(
            codes=("K21.00",),
            phrases=_p(
                cc="Reflux follow-up after EGD",
                hpi_detail="EGD last month by GI showed LA grade B reflux esophagitis, no bleeding, no Barrett's.",
                ekg="",
                assessment="Gastro-esophageal reflux disease with esophagitis, without bleeding.",
                plan="Increase omeprazole to twice daily; GI follow-up as scheduled.",
            ),
        ),
    ),
)

_DEPRESSION_TEMPLATES = (
    """CHIEF COMPLAINT: Depression follow-up.

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} seen for follow-up of {hpi_dx}. {hpi_detail} Denies suicidal ideation, plan, or intent. Denies homicidal ideation. No manic symptoms. Family history: mother with depression.

Standardized screening: PHQ-9 administered and scored today, score {phq9}.

ROS: Sleep {sleep}. Appetite fair. No chest pain. No substance use.

EXAM: {vitals}
Mental status: alert, oriented, {mse}. Thought process linear, no SI/HI.

ASSESSMENT AND PLAN:
{assessment}
{plan}
Safety plan reviewed; crisis line number provided. Follow-up in 4-6 weeks.

{signature}""",
    """S: {age} yo {sex_word}, f/u {hpi_dx}. {hpi_detail} No SI/HI. PHQ-9 today {phq9}.
O: {vitals} MSE: {mse}.
A: {assessment}
P: {plan} RTC 4-6 weeks.

{signature}""",
)

DEPRESSION = Scenario(
    key="depression",
    title="Major depressive disorder follow-up with PHQ-9",
    weight=5,
    min_age=18,
    max_age=90,
    sexes=SEXES,
    em_code="99214",
    note_templates=_DEPRESSION_TEMPLATES,
    lines=(ProcedureLine("96127", pointers=(1,)),),
    diagnoses=(
        DiagnosisVariant(
            codes=("F33.1",),
            phrases=_p(
                hpi_dx="recurrent major depression",
                hpi_detail="Third episode; low mood, poor concentration and low energy persist on "
                "sertraline 50 mg for 6 weeks.",
                phq9=("14", "15", "16"),
                sleep="poor, early waking",
                mse="mood depressed, affect constricted",
                assessment="Major depressive disorder, recurrent, moderate.",
                plan="Increase sertraline to 100 mg daily. Referral to therapy.",
            ),
        ),
        DiagnosisVariant(
            codes=("F32.0",),
            phrases=_p(
                hpi_dx="depression",
                hpi_detail="First episode started 3 months ago after job loss; some improvement with counseling.",
                phq9=("7", "8", "9"),
                sleep="fair",
                mse="mood mildly low, affect reactive",
                assessment="Major depressive disorder, single episode, mild.",
                plan="Continue weekly counseling; discussed medication option, patient declines.",
            ),
        ),
        DiagnosisVariant(
            codes=("F33.41",),
            em_code="99213",
            phrases=_p(
                hpi_dx="recurrent major depressive disorder",
                hpi_detail="Much improved on escitalopram 10 mg; some residual fatigue.",
                phq9=("5", "6"),
                sleep="good",
                mse="mood 'better', affect full range",
                assessment="Major depressive disorder, recurrent, in partial remission.",
                plan="Continue escitalopram 10 mg daily.",
            ),
        ),
    ),
)

_ANXIETY_TEMPLATES = (
    """CHIEF COMPLAINT: Anxiety.

HPI: {first_name} is a {age}-year-old {sex_word} with {hpi_detail} Denies chest pain, no syncope. Rule out hyperthyroidism: TSH checked last month was normal. Caffeine 1 cup/day. Denies alcohol misuse. Denies suicidal ideation.

GAD-7 administered and scored: {gad7}.

ROS: Sleep difficulty. No weight change. No tremor.

EXAM: {vitals}
Thyroid: no enlargement. CV: RRR. MSE: anxious affect, linear thought process, no SI.

ASSESSMENT/PLAN:
{assessment}
{plan}
Follow up in 6 weeks.

{signature}""",
    """S: {age} yo {sex_word}. {hpi_detail} No SI. GAD-7 {gad7}. Thyroid labs normal last month.
O: {vitals} Anxious but calm, cooperative.
A: {assessment}
P: {plan}

{signature}""",
)

ANXIETY = Scenario(
    key="anxiety",
    title="Anxiety visit with GAD-7",
    weight=4,
    min_age=18,
    max_age=80,
    sexes=SEXES,
    em_code="99213",
    note_templates=_ANXIETY_TEMPLATES,
    lines=(ProcedureLine("96127", pointers=(1,)),),
    diagnoses=(
        DiagnosisVariant(
            codes=("F41.1",),
            phrases=_p(
                hpi_detail="6+ months of excessive worry about work and family, restlessness, and "
                "poor sleep on most days.",
                gad7=("13", "14"),
                assessment="Generalized anxiety disorder.",
                plan="Start sertraline 25 mg daily, titrate to 50 mg. CBT referral.",
            ),
        ),
        DiagnosisVariant(
            codes=("F41.9",),
            phrases=_p(
                hpi_detail="feeling anxious and on edge for the past month during a move.",
                gad7=("8", "9"),
                assessment="Anxiety disorder, unspecified.",
                plan="Counseling referral, sleep hygiene, recheck symptoms.",
            ),
        ),
        DiagnosisVariant(
            codes=("F41.0",),
            em_code="99214",
            phrases=_p(
                hpi_detail="recurrent sudden episodes of racing heart, sweating, and fear of dying "
                "lasting 10 minutes, 3 per week; worry about the next attack.",
                gad7=("11", "12"),
                assessment="Panic disorder.",
                plan="Start escitalopram 5 mg daily. Therapy referral. Avoid benzodiazepines.",
            ),
        ),
    ),
)

_THYROID_TEMPLATES = (
    """CHIEF COMPLAINT: Thyroid follow-up.

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} with {hpi_detail} Currently on levothyroxine {dose} mcg daily. Energy fair. Denies palpitations, no heat or cold intolerance, no constipation.
Family history: sister with thyroid disease, mother with breast cancer.

ROS: Negative for chest pain, shortness of breath, weight change.

EXAM: {vitals}
Neck: {neck} CV: RRR. Skin: normal. Reflexes normal.

Venipuncture in office; TSH run by in-house lab.

ASSESSMENT/PLAN:
{assessment}
Continue levothyroxine {dose} mcg; adjust based on TSH. Recheck in 6 months.

{signature}""",
    """S: {age} yo {sex_word}, thyroid f/u. {hpi_detail} Taking levothyroxine {dose} mcg. No palpitations.
O: {vitals} Neck: {neck}
Labs: TSH drawn and run in office today.
A: {assessment}
P: Dose per TSH result, f/u 6 months.

{signature}""",
)

HYPOTHYROIDISM = Scenario(
    key="hypothyroidism",
    title="Hypothyroidism follow-up with TSH",
    weight=4,
    min_age=20,
    max_age=95,
    sexes=SEXES,
    em_code="99213",
    note_templates=_THYROID_TEMPLATES,
    lines=(ProcedureLine("36415", pointers=(1,)), ProcedureLine("84443", pointers=(1,))),
    diagnoses=(
        DiagnosisVariant(
            codes=("E03.9",),
            phrases=_p(
                hpi_detail="hypothyroidism diagnosed 4 years ago.",
                dose=("75", "88", "100"),
                neck="thyroid normal size, no nodules.",
                assessment="Hypothyroidism.",
            ),
        ),
        DiagnosisVariant(
            codes=("E89.0",),
            phrases=_p(
                hpi_detail="hypothyroidism after total thyroidectomy for multinodular goiter "
                "(s/p thyroidectomy 2019, benign pathology).",
                dose=("112", "125"),
                neck="well-healed thyroidectomy scar, no masses.",
                assessment="Postprocedural hypothyroidism (s/p total thyroidectomy).",
            ),
        ),
        DiagnosisVariant(
            codes=("E06.3",),
            phrases=_p(
                hpi_detail="Hashimoto thyroiditis (TPO antibodies strongly positive) with hypothyroidism.",
                dose=("50", "75"),
                neck="thyroid mildly enlarged, firm, nontender.",
                assessment="Hashimoto's (autoimmune) thyroiditis with hypothyroidism.",
            ),
        ),
    ),
)

_KNEE_TEMPLATES = (
    """PROCEDURE VISIT - Knee injection

{first_name} {last_name} is a {age}-year-old {sex_word} with known {hpi_dx} returning for a scheduled corticosteroid injection; last injection 4 months ago with good relief. Pain with stairs. Denies fever, no recent trauma, no locking. s/p arthroscopy remotely; no other changes since last visit.

Exam: {exam}

Procedure: After verbal and written consent and time-out, the {knee_site} was prepped with chlorhexidine. Using a lateral approach, {injection} No complications. Band-aid applied.

ASSESSMENT:
{assessment}
Ice, activity as tolerated. Next injection no sooner than 3 months.

{signature}""",
    """Knee injection note.
S: {age} yo {sex_word}, {hpi_dx}, here for planned steroid injection. No fever, no trauma.
O: {exam}
Procedure: consent, time-out, sterile prep of {knee_site}; {injection}
A: {assessment}
P: Post-injection precautions reviewed.

{signature}""",
)

KNEE_OA = Scenario(
    key="knee_oa_injection",
    title="Knee osteoarthritis with steroid injection",
    weight=3,
    min_age=45,
    max_age=95,
    sexes=SEXES,
    em_code=None,
    note_templates=_KNEE_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("M17.11",),
            lines=(
                ProcedureLine("20610", modifiers=("RT",), pointers=(1,)),
                ProcedureLine("J1010", units=40, pointers=(1,), ndc="99990045601"),
            ),
            phrases=_p(
                hpi_dx="right knee osteoarthritis",
                exam="Right knee: crepitus, medial joint line tenderness, no effusion, no warmth.",
                knee_site="right knee",
                injection="methylprednisolone acetate 40 mg with 3 mL 1% lidocaine injected into the right knee joint.",
                assessment="Primary osteoarthritis, right knee. Right knee injected with methylprednisolone 40 mg.",
            ),
        ),
        DiagnosisVariant(
            codes=("M17.12",),
            lines=(
                ProcedureLine("20610", modifiers=("LT",), pointers=(1,)),
                ProcedureLine("J1010", units=40, pointers=(1,), ndc="99990045601"),
            ),
            phrases=_p(
                hpi_dx="left knee osteoarthritis",
                exam="Left knee: crepitus, mild varus, no effusion, no erythema.",
                knee_site="left knee",
                injection="methylprednisolone acetate 40 mg with 3 mL 1% lidocaine injected into the left knee joint.",
                assessment="Unilateral primary osteoarthritis of the left knee; left knee injected.",
            ),
        ),
        DiagnosisVariant(
            codes=("M17.0",),
            lines=(
                ProcedureLine("20610", modifiers=("50",), pointers=(1,)),
                ProcedureLine("J1010", units=80, pointers=(1,), ndc="99990045601"),
            ),
            phrases=_p(
                hpi_dx="bilateral knee osteoarthritis",
                exam="Both knees: crepitus, joint line tenderness bilaterally, no effusion.",
                knee_site="right and left knees",
                injection="methylprednisolone acetate 40 mg with 3 mL 1% lidocaine injected into "
                "each knee joint (80 mg total).",
                assessment="Bilateral primary osteoarthritis of knees; both knees injected.",
            ),
        ),
    ),
)

_AFIB_TEMPLATES = (
    """CHIEF COMPLAINT: {cc}

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} with {hpi_detail} Denies chest pain, denies syncope or near-syncope, no bleeding on anticoagulant, no melena. Family history: father with stroke at 80.

Medications: {meds}

ROS: No dyspnea at rest. No orthopnea. No focal weakness.

EXAM: {vitals}
CV: {heart} Lungs: clear. Ext: no edema.
EKG in office (my interpretation): {ekg}

ASSESSMENT AND PLAN:
{assessment}
{plan}

{signature}""",
    """S: {age} yo {sex_word}. {hpi_detail} No CP, no syncope, no bleeding. Meds: {meds}.
O: {vitals} Heart: {heart}
EKG: {ekg}
A: {assessment}
P: {plan}

{signature}""",
)

AFIB = Scenario(
    key="afib_followup",
    title="Atrial fibrillation follow-up with EKG",
    weight=4,
    min_age=55,
    max_age=99,
    sexes=SEXES,
    em_code="99214",
    note_templates=_AFIB_TEMPLATES,
    lines=(ProcedureLine("93000", pointers=(1,)),),
    diagnoses=(
        DiagnosisVariant(
            codes=("I48.0", "Z79.01"),
            lines=(ProcedureLine("93000", pointers=(1,)),),
            phrases=_p(
                cc="Atrial fibrillation follow-up",
                hpi_detail="paroxysmal atrial fibrillation; two brief episodes of palpitations this "
                "quarter, self-terminating.",
                meds="metoprolol succinate 50 mg daily, apixaban 5 mg twice daily",
                heart="regular rhythm today, no murmur.",
                ekg="sinus rhythm, rate 68, normal intervals.",
                assessment="1. Paroxysmal atrial fibrillation, rate-controlled.\n"
                "2. Long-term (current) use of anticoagulant (apixaban).",
                plan="Continue metoprolol and apixaban. CBC and BMP at next visit.",
            ),
        ),
        DiagnosisVariant(
            codes=("I48.21", "Z79.01"),
            phrases=_p(
                cc="AFib recheck",
                hpi_detail="permanent atrial fibrillation, rate control strategy per cardiology.",
                meds="diltiazem ER 180 mg daily, warfarin per anticoagulation clinic",
                pulse=("84", "88", "92"),
                heart="irregularly irregular, rate 80s.",
                ekg="atrial fibrillation, ventricular rate 86.",
                assessment="1. Permanent atrial fibrillation, rate controlled.\n"
                "2. Long-term (current) use of anticoagulant (warfarin).",
                plan="Continue diltiazem. INR per clinic.",
            ),
        ),
        DiagnosisVariant(
            codes=("Z09", "Z86.79"),
            em_code="99213",
            lines=(ProcedureLine("93000", pointers=(1, 2)),),
            phrases=_p(
                cc="Follow-up after AFib ablation",
                hpi_detail="history of atrial fibrillation, s/p catheter ablation 14 months ago; "
                "cardiology stopped anticoagulation and antiarrhythmics 6 months ago. No "
                "palpitations since.",
                meds="none for the heart",
                heart="regular rhythm, no murmur.",
                ekg="normal sinus rhythm, rate 64, no atrial fibrillation.",
                assessment="1. Follow-up exam after completed treatment (ablation) - no recurrence.\n"
                "2. Personal history of atrial fibrillation.",
                plan="No current treatment needed. Annual EKG; return sooner for palpitations.",
            ),
        ),
    ),
)

_OTITIS_TEMPLATES = (
    """CHIEF COMPLAINT: Ear pain.

HPI: {first_name} is a {age}-year-old {sex_word} brought in by mother for 2 days of {ear_complaint} and fussiness following a cold. Fever to 101.5 at home last night. No ear drainage. Eating and drinking OK. No vomiting. Immunizations up to date. Family history: father with seasonal allergies.

ROS: No rash. No productive cough. No diarrhea.

EXAM: Temp {temp} F, HR {pulse}, Wt {weight_lb} lb.
General: fussy but consolable, nontoxic. Ears: {ear_exam} No mastoid tenderness or swelling. Nose: clear rhinorrhea. Throat: normal. Lungs: clear.

ASSESSMENT/PLAN:
{assessment}
Amoxicillin 90 mg/kg/day divided twice daily x 10 days. Ibuprofen for pain. Recheck ears in 2-3 weeks or sooner if no better in 48 hours.

{signature}""",
    """S: {age} yo {sex_word}, {ear_complaint} x 2 days, fever at home. No otorrhea.
O: T {temp} F. Ears: {ear_exam} No mastoid tenderness.
A: {assessment}
P: High-dose amoxicillin x 10 days, analgesics, recheck 2-3 weeks.

{signature}""",
)

OTITIS_MEDIA = Scenario(
    key="otitis_media",
    title="Acute otitis media (child)",
    weight=5,
    min_age=1,
    max_age=12,
    sexes=SEXES,
    em_code="99213",
    note_templates=_OTITIS_TEMPLATES,
    phrases=_p(temp=("100.6", "101.0", "101.4")),
    diagnoses=(
        DiagnosisVariant(
            codes=("H66.001",),
            phrases=_p(
                ear_complaint="right ear pain (tugging at the right ear)",
                ear_exam="Right TM bulging, erythematous, with purulent effusion, intact. Left TM "
                "pearly gray, normal landmarks.",
                assessment="Acute suppurative otitis media of the right ear, without rupture of ear drum.",
            ),
        ),
        DiagnosisVariant(
            codes=("H66.002",),
            phrases=_p(
                ear_complaint="left ear pain",
                ear_exam="Left TM bulging and red with purulent fluid, no perforation. Right TM normal.",
                assessment="Acute suppurative otitis media, left ear, TM intact.",
            ),
        ),
        DiagnosisVariant(
            codes=("H66.003",),
            phrases=_p(
                ear_complaint="pain in both ears",
                ear_exam="Both TMs bulging, erythematous, with purulent effusions; no perforation bilaterally.",
                assessment="Acute suppurative otitis media, bilateral, without spontaneous rupture of ear drums.",
            ),
        ),
    ),
)

_ALLERGY_TEMPLATES = (
    """CHIEF COMPLAINT: Sneezing and itchy eyes.

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} with {hpi_detail} Clear rhinorrhea, nasal itching, sneezing, itchy watery eyes. Denies fever, denies facial pain, no purulent discharge. No wheezing.
Family history: brother with asthma.

ROS: No cough. No shortness of breath. No rash.

EXAM: {vitals}
Nose: pale, boggy turbinates, clear discharge. Eyes: mild conjunctival injection bilaterally. Throat: cobblestoning. Lungs: clear, no wheeze.

ASSESSMENT/PLAN:
{assessment}
Intranasal fluticasone daily, cetirizine 10 mg daily as needed, {plan}

{signature}""",
    """S: {age} yo {sex_word}. {hpi_detail} No fever, no sinus pain.
O: {vitals} Boggy pale turbinates; lungs clear.
A: {assessment}
P: Nasal steroid, antihistamine, {plan}

{signature}""",
)

ALLERGIC_RHINITIS = Scenario(
    key="allergic_rhinitis",
    title="Allergic rhinitis",
    weight=4,
    min_age=5,
    max_age=80,
    sexes=SEXES,
    em_code="99213",
    note_templates=_ALLERGY_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("J30.1",),
            phrases=_p(
                hpi_detail="symptoms every spring when tree pollen counts are high; skin testing "
                "last year positive to oak and birch pollen.",
                assessment="Allergic rhinitis due to pollen.",
                plan="pollen avoidance measures.",
            ),
        ),
        DiagnosisVariant(
            codes=("J30.81",),
            phrases=_p(
                hpi_detail="symptoms since adopting a cat 3 months ago; worse at home, better when traveling.",
                assessment="Allergic rhinitis due to cat dander.",
                plan="keep cat out of bedroom, HEPA filter.",
            ),
        ),
        DiagnosisVariant(
            codes=("J30.2",),
            em_code="99212",
            phrases=_p(
                hpi_detail="seasonal symptoms each fall for several years, trigger not identified.",
                assessment="Seasonal allergic rhinitis.",
                plan="start 2 weeks before season next year.",
            ),
        ),
    ),
)

_OBESITY_TEMPLATES = (
    """CHIEF COMPLAINT: Weight management.

HPI: {first_name} {last_name} is a {age}-year-old {sex_word} here to discuss weight. Weight has increased 25 lb over 3 years. {hpi_detail} Denies chest pain, no shortness of breath at rest. Denies binge eating. Rule out hypothyroidism: TSH 2 months ago normal. No history of diabetes; A1c 5.4% last year.
Family history: mother with breast cancer, father with obesity.

ROS: Snoring reported; no witnessed apneas. No edema.

EXAM: Ht {height_in} in, {vitals}
General: NAD. CV: RRR. Lungs: clear. Ext: no edema.

ASSESSMENT/PLAN:
{assessment}
{plan} Follow up monthly.

{signature}""",
    """S: {age} yo {sex_word}, weight management visit. {hpi_detail} No CP/SOB.
O: Ht {height_in} in, {vitals}
A: {assessment}
P: {plan}

{signature}""",
)

OBESITY = Scenario(
    key="obesity_counseling",
    title="Obesity counselling visit",
    weight=3,
    min_age=20,
    max_age=64,
    sexes=SEXES,
    em_code="99214",
    note_templates=_OBESITY_TEMPLATES,
    diagnoses=(
        DiagnosisVariant(
            codes=("E66.812", "Z68.36", "Z71.3"),
            phrases=_p(
                bmi=("36.2", "36.7"),
                hpi_detail="Eats fast food 4-5 times weekly, drinks 2 sodas daily.",
                assessment="1. Obesity, class 2.\n2. BMI {bmi}, adult.\n3. Dietary counseling provided (20 minutes).",
                plan="Dietary counseling: calorie target 1600/day, eliminate sugary drinks, food "
                "log app. Dietitian referral.",
            ),
        ),
        DiagnosisVariant(
            codes=("E66.813", "Z68.41", "Z71.3"),
            phrases=_p(
                bmi=("41.3", "42.5"),
                hpi_detail="Has tried several diets; interested in medication options.",
                assessment="1. Obesity, class 3.\n2. BMI {bmi}, adult.\n3. Dietary counseling and surveillance.",
                plan="Dietary counseling given; discussed GLP-1 therapy and bariatric surgery referral.",
            ),
        ),
        DiagnosisVariant(
            codes=("E66.811", "Z68.31", "Z71.82"),
            em_code="99213",
            phrases=_p(
                bmi=("31.1", "31.6"),
                hpi_detail="Sedentary desk job; no regular exercise.",
                assessment="1. Obesity, class 1.\n2. BMI {bmi}, adult.\n3. Exercise counseling.",
                plan="Exercise counseling: walking 150 minutes/week, resistance training twice weekly.",
            ),
        ),
    ),
)


SCENARIOS: tuple[Scenario, ...] = (
    DM_FOLLOWUP,
    HTN_FOLLOWUP,
    LIPID_FOLLOWUP,
    URI,
    SINUSITIS,
    PHARYNGITIS,
    UTI,
    LOW_BACK_PAIN,
    PREVENTIVE_18_39,
    PREVENTIVE_40_64,
    AWV,
    LACERATION,
    SKIN_LESION,
    FLU_VACCINE,
    FLU_VACCINE_MEDICARE,
    B12_INJECTION,
    LAB_DRAW,
    COPD,
    ASTHMA,
    GERD,
    DEPRESSION,
    ANXIETY,
    HYPOTHYROIDISM,
    KNEE_OA,
    AFIB,
    OTITIS_MEDIA,
    ALLERGIC_RHINITIS,
    OBESITY,
)

SCENARIOS_BY_KEY: Mapping[str, Scenario] = {s.key: s for s in SCENARIOS}


# ---------------------------------------------------------------------------------------------
# Charge master (practice's own short names; prices roughly 1.8x Medicare, synthetic)
# ---------------------------------------------------------------------------------------------


def _c(code: str, short_name: str, price: str) -> ChargeItem:
    return ChargeItem(code, None, short_name, Decimal(price))


CHARGE_MASTER: tuple[ChargeItem, ...] = (
    _c("99202", "New pt visit, level 2", "130.00"),
    _c("99203", "New pt visit, level 3", "200.00"),
    _c("99204", "New pt visit, level 4", "300.00"),
    _c("99205", "New pt visit, level 5", "395.00"),
    _c("99212", "Office visit est, brief", "103.00"),
    _c("99213", "Office visit est, low", "165.00"),
    _c("99214", "Office visit est, moderate", "235.00"),
    _c("99215", "Office visit est, high", "330.00"),
    _c("99385", "Physical, new, 18-39", "230.00"),
    _c("99386", "Physical, new, 40-64", "265.00"),
    _c("99387", "Physical, new, 65+", "285.00"),
    _c("99395", "Physical, est, 18-39", "207.00"),
    _c("99396", "Physical, est, 40-64", "225.00"),
    _c("99397", "Physical, est, 65+", "240.00"),
    _c("G0438", "Medicare AWV, first", "305.00"),
    _c("G0439", "Medicare AWV, yearly", "240.00"),
    _c("G0444", "Mood screen, Medicare", "33.00"),
    _c("12001", "Stitches, small cut", "175.00"),
    _c("12002", "Stitches, medium cut", "215.00"),
    _c("17110", "Freeze benign spots", "230.00"),
    _c("11301", "Shave mole, arm/leg small", "198.00"),
    _c("11401", "Cut out benign spot, small", "270.00"),
    _c("90471", "Shot given, first", "35.00"),
    _c("G0008", "Flu shot given, Medicare", "55.00"),
    _c("90656", "Flu vaccine, standard", "34.00"),
    _c("90662", "Flu vaccine, senior dose", "125.00"),
    _c("90715", "Tdap vaccine", "75.00"),
    _c("96372", "Nurse injection", "26.00"),
    _c("J3420", "B12 shot drug", "10.00"),
    _c("J1010", "Steroid drug, per mg", "0.30"),  # billed per 1 mg: 40 units per 40 mg
    _c("20610", "Knee/shoulder joint shot", "115.00"),
    _c("36415", "Blood draw", "10.00"),
    _c("80061", "Cholesterol labs", "25.00"),
    _c("80053", "Chem 14 labs", "20.00"),
    _c("83036", "A1c lab", "18.00"),
    _c("84443", "TSH lab", "30.00"),
    _c("87880", "Strep swab, quick", "30.00"),
    _c("81002", "Urine dip", "8.00"),
    _c("93000", "EKG in office", "30.00"),
    _c("96127", "Mood/anxiety questionnaire", "10.00"),
)

CHARGES_BY_CODE: Mapping[str, ChargeItem] = {c.code: c for c in CHARGE_MASTER}


# ---------------------------------------------------------------------------------------------
# Random selection and note rendering
# ---------------------------------------------------------------------------------------------


def eligible_scenarios(age: int, sex: str) -> tuple[Scenario, ...]:
    return tuple(s for s in SCENARIOS if s.eligible(age, sex))


def pick_scenario(rng: random.Random, age: int, sex: str) -> Scenario:
    """Choose a scenario the patient is eligible for, weighted by ``Scenario.weight``."""
    candidates = eligible_scenarios(age, sex)
    if not candidates:
        raise ValueError(f"no demo scenario fits age {age} sex {sex!r}")
    return rng.choices(candidates, weights=[s.weight for s in candidates], k=1)[0]


def pick_variant(rng: random.Random, scenario: Scenario) -> int:
    """Choose a diagnosis variant index, weighted by ``DiagnosisVariant.weight``."""
    indices = range(len(scenario.diagnoses))
    return rng.choices(indices, weights=[v.weight for v in scenario.diagnoses], k=1)[0]


_PROVIDERS = ("Dana Whitfield, MD", "Samuel Okafor, DO", "Priya Raman, NP")
_NURSES = ("J. Morales, LPN", "K. Chen, MA", "T. Brooks, RN")


def _pick(rng: random.Random, value: PhraseValue) -> str:
    return value if isinstance(value, str) else rng.choice(value)


def _height_in(rng: random.Random, age: int, sex: str) -> int:
    if age < 18:
        return max(28, min(68, 30 + 2 * age + rng.randint(-2, 2)))
    return rng.randint(65, 73) if sex == "M" else rng.randint(60, 68)


def _provider_or_invented(rng: random.Random, provider: str | None) -> str:
    invented = rng.choice(_PROVIDERS)  # drawn either way so the random stream stays the same
    return provider or invented


def render_note(
    scenario: Scenario,
    variant_index: int,
    rng: random.Random,
    patient: PatientFacts,
    template_index: int | None = None,
    provider: str | None = None,
) -> str:
    """Fill one of the scenario's note templates for the patient and diagnosis variant.

    ``provider`` names the signing provider (e.g. "Elena Marsh, MD"); without it one is invented.

    Variant phrases override scenario phrases, which override generated defaults (vitals etc.).
    Phrase values may themselves contain placeholders (e.g. ``{bmi}`` in an assessment).
    """
    variant = scenario.diagnoses[variant_index]
    if template_index is None:
        template_index = rng.randrange(len(scenario.note_templates))
    template = scenario.note_templates[template_index]

    female = patient.sex == "F"
    child = patient.age < 13
    values: dict[str, str] = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "age": str(patient.age),
        "sex_word": "female" if female else "male",
        "pronoun": "she" if female else "he",
        "Pronoun": "She" if female else "He",
        "possessive": "her" if female else "his",
        "Possessive": "Her" if female else "His",
        "bp": f"{rng.randint(112, 134)}/{rng.randint(68, 84)}",
        "pulse": str(rng.randint(88, 118) if child else rng.randint(60, 88)),
        "resp": str(rng.randint(18, 24) if child else rng.randint(12, 18)),
        "temp": f"{rng.uniform(97.6, 98.9):.1f}",
        "spo2": str(rng.randint(96, 99)),
        "a1c": f"{rng.uniform(5.0, 5.6):.1f}",
        "lot": f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(10000, 99999)}",
        "deltoid": rng.choice(("left", "right")),
        "provider": _provider_or_invented(rng, provider),
        "nurse": rng.choice(_NURSES),
    }
    for key, value in scenario.phrases + variant.phrases:
        values[key] = _pick(rng, value)

    height = _height_in(rng, patient.age, patient.sex)
    if "bmi" in values:
        bmi = float(values["bmi"])
    elif child:
        bmi = rng.uniform(15.0, 18.5)
    else:
        bmi = rng.uniform(21.0, 27.0)
    values.setdefault("bmi", f"{bmi:.1f}")
    values["height_in"] = str(height)
    values["weight_lb"] = str(round(bmi * height * height / 703))

    values["vitals"] = _VITALS.format_map(values)
    values["vitals_short"] = _VITALS_SHORT.format_map(values)
    values["signature"] = _SIG.format_map(values)
    values["nurse_signature"] = _NURSE_SIG.format_map(values)
    # phrases may reference base values ({bmi}, {a1c}); resolve them once
    for key in [k for k, _ in scenario.phrases + variant.phrases]:
        values[key] = values[key].format_map(values)
    header = _HEADER.format_map(values)
    return header + template.format_map(values).strip() + "\n"


# ---------------------------------------------------------------------------------------------
# Provider queries for encounters on hold
# ---------------------------------------------------------------------------------------------

HOLD_REASONS = (
    "documentation does not support level",
    "laterality missing",
    "specificity missing",
    "signature missing",
    "diagnosis unclear",
)


def hold_queries() -> tuple[tuple[str, str], ...]:
    """(reason, query text) pairs for demo encounters on hold awaiting a provider answer.

    The queries are non-leading: they cite the documentation, offer clinically reasonable
    options including "other" and "unable to determine", and never mention reimbursement.
    """
    return (
        (
            "documentation does not support level",
            "The visit was submitted as a moderate-complexity established visit. The note documents "
            "one stable chronic problem and no data reviewed or ordered, and no total time. Please "
            "review and, if appropriate, add an addendum documenting the medical decision making "
            "or the total time you personally spent on the date of service. If the documentation "
            "is complete as written, please indicate so.",
        ),
        (
            "laterality missing",
            "The assessment states 'knee osteoarthritis, joint injected' but the note does not "
            "state which knee was evaluated and injected. Please clarify: right knee / left knee "
            "/ both knees / other / unable to determine.",
        ),
        (
            "laterality missing",
            "The exam documents a bulging tympanic membrane with effusion; the side is not "
            "recorded. Please clarify which ear: right / left / bilateral / unable to determine.",
        ),
        (
            "specificity missing",
            "The assessment lists 'diabetes, A1c 9.6%, adjust glipizide'. Please clarify the type "
            "of diabetes (type 1 / type 2 / other specified / unable to determine) and whether "
            "any complication or manifestation is present and related (e.g., hyperglycemia, "
            "neuropathy, kidney disease, none, other).",
        ),
        (
            "specificity missing",
            "The note documents 'CKD' with eGFR 52 and 49 on the last two results. Please "
            "document the stage of chronic kidney disease if clinically determined: stage 3a / "
            "stage 3b / other / unable to determine.",
        ),
        (
            "signature missing",
            "The progress note for this date of service has not been signed or authenticated. "
            "Please review and electronically sign the note so the claim can be released.",
        ),
        (
            "diagnosis unclear",
            "The HPI documents cough and fever, the assessment reads 'r/o pneumonia', and a chest "
            "x-ray was ordered. Based on your clinical judgment, please clarify the diagnosis for "
            "this visit: pneumonia (specify organism if known) / acute bronchitis / symptoms only "
            "(cough, fever) pending results / other / unable to determine.",
        ),
        (
            "diagnosis unclear",
            "The assessment lists both 'UTI' and 'dysuria, dipstick negative, culture pending'. "
            "Please clarify the condition treated at this visit: urinary tract infection / "
            "dysuria without infection established / other / unable to determine.",
        ),
    )
