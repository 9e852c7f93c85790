/**
 * NON-CLINICAL keyword rules shared by the two triage stand-in models.
 *
 * This is NOT a medical model and must never inform care. It exists so the
 * local stack and tests get stable, plausible-looking answers: the same input
 * always yields the same urgency, and obvious test phrases ("chest pain",
 * "fever" + "cough") land in predictable classes.
 *
 * @module
 */

/** The guide's triage Input Format. */
export interface TriageInput {
  symptoms: string[];
  age: number;
  gender: "male" | "female" | "other" | "unknown";
  medical_history: string[];
  current_medications: string[];
}

/** Risk classes in the order the XGBoost stand-in emits probabilities. */
export const RISK_LEVELS = ["low", "moderate", "high", "critical"] as const;

/** One of {@link RISK_LEVELS}. */
export type RiskLevel = typeof RISK_LEVELS[number];

/** The rule engine's verdict before any container-specific formatting. */
export interface TriageAssessment {
  urgencyScore: number;
  riskLevel: RiskLevel;
  specialty: string;
  confidence: number;
  keyFindings: string[];
}

interface SymptomRule {
  keywords: readonly string[];
  specialty: string;
  weight: number;
  finding: string;
}

// Matched as lower-case substrings; each rule counts once per request.
const SYMPTOM_RULES: readonly SymptomRule[] = [
  {
    keywords: ["unconscious", "unresponsive", "seizure", "severe bleeding"],
    specialty: "Emergency Medicine",
    weight: 0.7,
    finding: "Emergency warning sign reported",
  },
  {
    keywords: [
      "slurred speech",
      "facial droop",
      "one-sided weakness",
      "sudden numbness",
    ],
    specialty: "Neurology",
    weight: 0.6,
    finding: "Possible stroke warning signs",
  },
  {
    keywords: ["chest pain", "chest pressure", "chest tightness"],
    specialty: "Cardiology",
    weight: 0.55,
    finding: "High cardiac risk detected: chest pain",
  },
  {
    keywords: ["shortness of breath", "difficulty breathing", "breathlessness"],
    specialty: "Pulmonology",
    weight: 0.3,
    finding: "Breathing difficulty reported",
  },
  {
    keywords: ["palpitations", "fainting", "syncope"],
    specialty: "Cardiology",
    weight: 0.25,
    finding: "Possible rhythm disturbance",
  },
  {
    keywords: ["abdominal pain", "stomach pain", "vomiting"],
    specialty: "Gastroenterology",
    weight: 0.2,
    finding: "Abdominal symptoms reported",
  },
  {
    keywords: ["fever"],
    specialty: "General Practice",
    weight: 0.15,
    finding: "Fever reported",
  },
  {
    keywords: ["headache", "migraine", "dizziness"],
    specialty: "Neurology",
    weight: 0.1,
    finding: "Neurological symptom reported",
  },
  {
    keywords: ["cough"],
    specialty: "General Practice",
    weight: 0.1,
    finding: "Cough reported",
  },
  {
    keywords: ["anxiety", "depression", "panic"],
    specialty: "Psychiatry",
    weight: 0.1,
    finding: "Mental health symptom reported",
  },
  {
    keywords: ["sore throat", "runny nose", "congestion"],
    specialty: "General Practice",
    weight: 0.05,
    finding: "Upper respiratory symptom reported",
  },
  {
    keywords: ["rash", "itching", "skin lesion"],
    specialty: "Dermatology",
    weight: 0.05,
    finding: "Skin symptom reported",
  },
  {
    keywords: ["joint pain", "back pain"],
    specialty: "Orthopedics",
    weight: 0.05,
    finding: "Musculoskeletal symptom reported",
  },
];

const HISTORY_RISK_TERMS = [
  "hypertension",
  "diabetes",
  "heart disease",
  "coronary artery disease",
  "heart failure",
  "copd",
  "asthma",
  "cancer",
  "stroke",
  "chronic kidney disease",
];

const BLOOD_THINNERS = ["warfarin", "apixaban", "rivaroxaban", "clopidogrel"];

const BASE_URGENCY = 0.1;
const MAX_URGENCY = 0.99;

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Maps an urgency score to its class; cut points 0.3 / 0.6 / 0.8. */
export function riskLevelFor(urgency: number): RiskLevel {
  if (urgency >= 0.8) return "critical";
  if (urgency >= 0.6) return "high";
  if (urgency >= 0.3) return "moderate";
  return "low";
}

function ageContribution(age: number): { weight: number; finding?: string } {
  if (age >= 75) {
    return { weight: 0.2, finding: "Age 75 or over raises urgency" };
  }
  if (age >= 65) {
    return { weight: 0.15, finding: "Age 65 or over raises urgency" };
  }
  if (age >= 45) return { weight: 0.08 };
  if (age < 2) {
    return { weight: 0.15, finding: "Infant: lower threshold for review" };
  }
  return { weight: 0 };
}

/** Scores a validated triage input. Pure and deterministic. */
export function assessTriage(input: TriageInput): TriageAssessment {
  const symptoms = input.symptoms.map((s) => s.trim().toLowerCase());
  const matched = SYMPTOM_RULES.filter((rule) =>
    symptoms.some((s) => rule.keywords.some((k) => s.includes(k)))
  );
  const unmatchedSymptoms =
    symptoms.filter((s) =>
      !SYMPTOM_RULES.some((rule) => rule.keywords.some((k) => s.includes(k)))
    ).length;

  const findings = matched.map((rule) => rule.finding);
  let urgency = BASE_URGENCY + matched.reduce((sum, r) => sum + r.weight, 0);

  if (
    symptoms.some((s) => s.includes("fever")) &&
    symptoms.some((s) => s.includes("cough"))
  ) {
    findings.push("Respiratory infection pattern (fever with cough)");
  }
  const age = ageContribution(input.age);
  urgency += age.weight;
  if (age.finding) findings.push(age.finding);

  const history = input.medical_history.map((h) => h.toLowerCase());
  const riskConditions =
    HISTORY_RISK_TERMS.filter((term) => history.some((h) => h.includes(term)))
      .length;
  if (riskConditions > 0) {
    urgency += Math.min(0.15, 0.05 * riskConditions);
    findings.push(`${riskConditions} relevant condition(s) in medical history`);
  }
  const medications = input.current_medications.map((m) => m.toLowerCase());
  if (
    medications.some((m) => BLOOD_THINNERS.some((drug) => m.includes(drug)))
  ) {
    urgency += 0.05;
    findings.push("Anticoagulant or antiplatelet medication");
  }
  if (findings.length === 0) findings.push("No high-risk pattern recognised");

  const urgencyScore = round(Math.min(MAX_URGENCY, urgency), 4);
  // The strongest matched rule decides the specialty (table order breaks ties).
  const strongest = matched.reduce<SymptomRule | undefined>(
    (
      best,
      rule,
    ) => (best === undefined || rule.weight > best.weight ? rule : best),
    undefined,
  );
  const confidence = Math.min(
    0.95,
    Math.max(0.35, 0.6 + 0.1 * matched.length - 0.05 * unmatchedSymptoms),
  );
  return {
    urgencyScore,
    riskLevel: riskLevelFor(urgencyScore),
    specialty: strongest?.specialty ?? "General Practice",
    confidence: round(confidence, 2),
    keyFindings: findings,
  };
}

const GENDERS = ["male", "female", "other", "unknown"] as const;
const MAX_LIST_LENGTH = 64;
const MAX_ITEM_LENGTH = 256;

function stringList(value: unknown, field: string): string[] | string {
  if (!Array.isArray(value)) return `'${field}' must be an array of strings`;
  if (value.length > MAX_LIST_LENGTH) {
    return `'${field}' must have at most ${MAX_LIST_LENGTH} items`;
  }
  for (const item of value) {
    if (typeof item !== "string" || item.length > MAX_ITEM_LENGTH) {
      return `'${field}' must contain strings of at most ${MAX_ITEM_LENGTH} characters`;
    }
  }
  return value as string[];
}

/**
 * Validates a decoded JSON body against the guide's Input Format.
 * `symptoms` and `age` are required; `gender` defaults to "unknown" and the
 * two lists to empty, as a forgiving inference script would.
 * Returns the input or an error message.
 */
export function parseTriageInput(value: unknown): TriageInput | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "Request body must be a JSON object";
  }
  const record = value as Record<string, unknown>;
  const symptoms = stringList(record.symptoms, "symptoms");
  if (typeof symptoms === "string") return symptoms;
  const age = record.age;
  if (
    typeof age !== "number" || !Number.isFinite(age) || age < 0 || age > 130
  ) {
    return "'age' must be a number between 0 and 130";
  }
  const gender = record.gender ?? "unknown";
  if (!GENDERS.includes(gender as typeof GENDERS[number])) {
    return `'gender' must be one of ${GENDERS.join(", ")}`;
  }
  const history = stringList(record.medical_history ?? [], "medical_history");
  if (typeof history === "string") return history;
  const medications = stringList(
    record.current_medications ?? [],
    "current_medications",
  );
  if (typeof medications === "string") return medications;
  return {
    symptoms,
    age,
    gender: gender as TriageInput["gender"],
    medical_history: history,
    current_medications: medications,
  };
}
