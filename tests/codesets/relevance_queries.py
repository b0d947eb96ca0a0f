"""Coder-style queries and the code a coder would pick, as data for the search relevance tests and benchmark."""

from __future__ import annotations

from typing import NamedTuple


class RelevanceQuery(NamedTuple):
    query: str
    expected: str  # as coders write it; with match='prefix', any code starting with it counts
    system: str = "all"
    match: str = "exact"  # 'exact' or 'prefix' (a code family: the coder still picks the child)


# Written from coding practice before tuning the engine: common diagnoses and supplies, coder
# abbreviations, code prefixes, index-style word orders and typing mistakes. Every expected ICD-10-CM
# code is billable in the FY2026 tabular (checked by test_expected_codes_are_real_and_billable).
QUERIES: tuple[RelevanceQuery, ...] = (
    # diabetes, the index way and the abbreviation way
    RelevanceQuery("dm2 with neuropathy", "E11.40"),
    RelevanceQuery("diabetes type 2 with neuropathy", "E11.40"),
    RelevanceQuery("type 2 diabetes without complications", "E11.9"),
    RelevanceQuery("t2dm", "E11.9"),
    RelevanceQuery("dm1", "E10.9"),
    RelevanceQuery("diabetes with hyperglycemia", "E11.65"),
    RelevanceQuery("long term insulin use", "Z79.4"),
    # cardiovascular
    RelevanceQuery("htn", "I10"),
    RelevanceQuery("hypertension", "I10"),
    RelevanceQuery("chf", "I50.9"),
    RelevanceQuery("afib", "I48.91"),
    RelevanceQuery("cad", "I25.10"),
    RelevanceQuery("hld", "E78.5"),
    RelevanceQuery("mixed hyperlipidemia", "E78.2"),
    RelevanceQuery("cva", "I63.9"),
    RelevanceQuery("tia", "G45.9"),
    RelevanceQuery("pulmonary embolism", "I26.99"),
    RelevanceQuery("chest pain", "R07.9"),
    # respiratory
    RelevanceQuery("copd exacerbation", "J44.1"),
    RelevanceQuery("copd", "J44.9"),
    RelevanceQuery("uri", "J06.9"),
    RelevanceQuery("pna", "J18.9"),
    RelevanceQuery("acute sinusitis", "J01.90"),
    RelevanceQuery("sinusitis", "J32.9"),
    RelevanceQuery("acute bronchitis", "J20.9"),
    RelevanceQuery("asthma", "J45.909"),
    RelevanceQuery("strep throat", "J02.0"),
    RelevanceQuery("sob", "R06.02"),
    RelevanceQuery("cough", "R05.9"),
    RelevanceQuery("osa", "G47.33"),
    RelevanceQuery("covid", "U07.1"),
    # kidney, urinary, digestive
    RelevanceQuery("ckd stage 3", "N18.30"),
    RelevanceQuery("ckd 3a", "N18.31"),
    RelevanceQuery("uti", "N39.0"),
    RelevanceQuery("bph", "N40.0"),
    RelevanceQuery("kidney stone", "N20.0"),
    RelevanceQuery("gerd", "K21.9"),
    RelevanceQuery("n/v", "R11.2"),
    RelevanceQuery("abdominal pain", "R10.9"),
    RelevanceQuery("constipation", "K59.00"),
    RelevanceQuery("diarrhea", "R19.7"),
    RelevanceQuery("hemorrhoids", "K64.9"),
    # musculoskeletal and injury
    RelevanceQuery("lbp", "M54.50"),
    RelevanceQuery("low back pain", "M54.50"),
    RelevanceQuery("oa knee", "M17.9"),
    RelevanceQuery("ra", "M06.9"),
    RelevanceQuery("gout", "M10.9"),
    RelevanceQuery("plantar fasciitis", "M72.2"),
    RelevanceQuery("carpal tunnel syndrome right", "G56.01"),
    # a left distal radius fracture: the coder still chooses the fracture type and encounter
    RelevanceQuery("fracture radius distal left", "S52.5", match="prefix"),
    RelevanceQuery("fractures of radius lower end left", "S52.5", match="prefix"),
    RelevanceQuery("ankle sprain", "S93.409A"),
    RelevanceQuery("cellulitis left lower leg", "L03.116"),
    RelevanceQuery("fall from bed", "W06.XXXA"),
    RelevanceQuery("dog bite", "W54.0XXA"),
    RelevanceQuery("poisoning acetaminophen accidental", "T39.1X1A"),
    # mental health and neurology
    RelevanceQuery("mdd", "F32.9"),
    RelevanceQuery("gad", "F41.1"),
    RelevanceQuery("anxiety", "F41.9"),
    RelevanceQuery("adhd", "F90.9"),
    RelevanceQuery("insomnia", "G47.00"),
    RelevanceQuery("headache", "R51.9"),
    RelevanceQuery("migraine", "G43.909"),
    RelevanceQuery("dizziness", "R42"),
    RelevanceQuery("nicotine dependence cigarettes", "F17.210"),
    # other common diagnoses
    RelevanceQuery("aom", "H66.90"),
    RelevanceQuery("conjunctivitis", "H10.9"),
    RelevanceQuery("hypothyroidism", "E03.9"),
    RelevanceQuery("iron deficiency anemia", "D50.9"),
    RelevanceQuery("anemia", "D64.9"),
    RelevanceQuery("vitamin d deficiency", "E55.9"),
    RelevanceQuery("morbid obesity", "E66.01"),
    RelevanceQuery("bmi 40", "Z68.41"),
    RelevanceQuery("fever", "R50.9"),
    RelevanceQuery("shingles", "B02.9"),
    RelevanceQuery("malignant neoplasm of lung", "C34.90"),
    RelevanceQuery("hypokalemia", "E87.6"),
    # encounters (Z codes)
    RelevanceQuery("screening mammogram", "Z12.31"),
    RelevanceQuery("screening colonoscopy", "Z12.11"),
    RelevanceQuery("well child visit", "Z00.129"),
    RelevanceQuery("encounter for immunization", "Z23"),
    # typing mistakes (one edit)
    RelevanceQuery("hypertention", "I10"),
    RelevanceQuery("pnemonia", "J18.9"),
    RelevanceQuery("diabtes", "E11.9"),
    RelevanceQuery("astma", "J45.909"),
    # codes typed as codes, with or without the dot
    RelevanceQuery("e116", "E11.6", match="prefix"),
    RelevanceQuery("E11.65", "E11.65"),
    RelevanceQuery("e785", "E78.5"),
    RelevanceQuery("j342", "J3420"),
    RelevanceQuery("g0439", "G0439"),
    # HCPCS Level II
    RelevanceQuery("vitamin b12 injection", "J3420"),
    RelevanceQuery("annual wellness visit subsequent", "G0439"),
    RelevanceQuery("flu vaccine", "G0008"),
    RelevanceQuery("pneumococcal vaccine administration", "G0009"),
    RelevanceQuery("ondansetron injection", "J2405"),
    RelevanceQuery("ceftriaxone injection", "J0696"),
    RelevanceQuery("ketorolac injection", "J1885"),
    RelevanceQuery("blood glucose test strips", "A4253"),
    RelevanceQuery("walker folding wheeled", "E0143"),
)
