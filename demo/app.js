// @ts-check
/// <reference lib="dom" />
/**
 * The demo page: builds the three panels from index.html's templates, loads
 * /demo/config.json and pkg/ (the gateway's wasm, the same module the server
 * runs), then wires the panels.
 *
 * @module
 */
import { createChipGroup } from "./lib/chips.js";
import { byId, part } from "./lib/dom.js";
import { humanize, percent } from "./lib/format.js";
import { setupPanel } from "./lib/panel.js";
import { DEMO_CREDENTIALS } from "./lib/signed.js";
import { buildPanels } from "./lib/panel_template.js";
import {
  bytesToBase64,
  imageDataFromFile,
  imagePayload,
  riskPayload,
  triagePayload,
} from "./lib/payloads.js";
import { renderImage, renderRisk, renderTriage } from "./lib/results.js";

/** @typedef {import("./lib/panel.js").PanelContext} PanelContext */
/** @typedef {import("./lib/panel.js").DemoConfig} DemoConfig */

const status = byId("boot-status", HTMLElement);

try {
  // Before anything is awaited, and even if booting fails: the panels are
  // then on the page, disabled, as they were when written out in the HTML.
  buildPanels();
  await boot();
} catch (error) {
  status.textContent = `The demo could not start: ${
    error instanceof Error ? error.message : String(error)
  }`;
  status.classList.add("boot-failed");
  document.body.dataset.ready = "failed";
  throw error;
}

async function boot() {
  const config = await loadConfig();
  // Dynamic, so a failure to load the wasm is shown on the page.
  const { Gateway } = await import("../pkg/mod.js");
  // The deployment's settings when the page knows them; a setting the wasm
  // refuses falls back to the defaults rather than leaving the page dead.
  const candidates = [
    {
      region: config?.region ?? "us-east-1",
      endpointUrl: config?.endpointUrl ?? undefined,
      allowedBuckets: config?.allowedBuckets?.length
        ? config.allowedBuckets
        : undefined,
    },
    { region: config?.region ?? "us-east-1" },
    { region: "us-east-1" },
  ];
  /** @type {PanelContext["gateways"] | null} */
  let gateways = null;
  for (const settings of candidates) {
    try {
      // One gateway per function, as each function builds its own; the
      // demo credentials sign the request the page shows.
      gateways = {
        "sagemaker-triage": new Gateway(
          settings,
          "sagemaker-triage",
          DEMO_CREDENTIALS,
        ),
        "sagemaker-image-analysis": new Gateway(
          settings,
          "sagemaker-image-analysis",
          DEMO_CREDENTIALS,
        ),
        "sagemaker-risk-score": new Gateway(
          settings,
          "sagemaker-risk-score",
          DEMO_CREDENTIALS,
        ),
      };
      break;
    } catch (error) {
      console.warn("gateway settings refused", settings, error);
    }
  }
  if (!gateways) throw new Error("the gateway module refused every setting");
  /** @type {PanelContext} */
  const context = { gateways, config };

  if (config?.nonClinicalStandIn) {
    byId("stand-in-banner", HTMLElement).hidden = false;
  }
  if (config) {
    byId("functions-url", HTMLElement).textContent = config.functionsUrl;
  }

  setupTriage(context);
  setupImage(context);
  setupRisk(context);

  if (config) {
    status.textContent = "";
    status.hidden = true;
  } else {
    status.textContent =
      "/demo/config.json is missing: fields are checked, but nothing can be sent. Start the page with `deno task dev`.";
    status.classList.add("boot-failed");
  }
  document.body.dataset.ready = "true";
}

/** @returns {Promise<DemoConfig | null>} */
async function loadConfig() {
  try {
    const response = await fetch("/demo/config.json", { cache: "no-store" });
    if (!response.ok) return null;
    const config = await response.json();
    if (
      typeof config?.anonKey !== "string" ||
      typeof config.accessToken !== "string" || !config.functionsUrl
    ) {
      return null;
    }
    return config;
  } catch {
    return null;
  }
}

/** @param {PanelContext} context */
function setupTriage(context) {
  const section = byId("triage", HTMLElement);
  const symptoms = createChipGroup(byId("triage-symptoms", HTMLElement), [
    "fever",
    "cough",
    "headache",
    "sore throat",
    "chest pain",
    "shortness of breath",
    "nausea",
    "dizziness",
    "rash",
  ]);
  const history = createChipGroup(byId("triage-history", HTMLElement), [
    "hypertension",
    "diabetes",
    "asthma",
    "heart disease",
  ]);
  const medications = createChipGroup(byId("triage-medications", HTMLElement), [
    "lisinopril",
    "metformin",
    "salbutamol",
    "aspirin",
  ]);
  const age = byId("triage-age", HTMLInputElement);
  const gender = byId("triage-gender", HTMLSelectElement);

  setupPanel(context, {
    section,
    fn: "sagemaker-triage",
    collect: () =>
      triagePayload({
        symptoms: symptoms.values(),
        age: age.value,
        gender: gender.value,
        history: history.values(),
        medications: medications.values(),
      }),
    itemLabel: {
      symptoms: (i) => symptoms.values()[i],
      "patient_data.medical_history": (i) => history.values()[i],
      "patient_data.current_medications": (i) => medications.values()[i],
    },
    render: renderTriage,
    announce: (result) =>
      `Triage result: ${humanize(result.risk_level)} risk, urgency ${
        percent(result.urgency_score)
      }${
        result.recommended_specialty
          ? `, see ${result.recommended_specialty}`
          : ""
      }.`,
    example() {
      symptoms.set(["chest pain", "shortness of breath"]);
      age.value = "45";
      gender.value = "male";
      history.set(["hypertension"]);
      medications.set(["lisinopril"]);
    },
  });
}

/** @param {PanelContext} context */
function setupImage(context) {
  const section = byId("image", HTMLElement);
  const fileRadio = byId("image-source-file", HTMLInputElement);
  const s3Radio = byId("image-source-s3", HTMLInputElement);
  const fileInput = byId("image-file", HTMLInputElement);
  const s3Input = byId("image-s3", HTMLInputElement);
  const imageType = byId("image-type", HTMLSelectElement);
  const analysisType = byId("image-analysis-type", HTMLSelectElement);
  const preview = part(section, "[data-preview]", HTMLElement);
  const fileBox = part(section, "[data-source=file]", HTMLElement);
  const s3Box = part(section, "[data-source=s3]", HTMLElement);

  /** @type {string | undefined} */
  let fileData;
  /** @type {string | null} */
  let previewUrl = null;
  // Files are read asynchronously; a submit waits for the latest read.
  let reading = Promise.resolve();

  const showSource = () => {
    fileBox.hidden = !fileRadio.checked;
    s3Box.hidden = !s3Radio.checked;
  };
  fileRadio.addEventListener("change", showSource);
  s3Radio.addEventListener("change", showSource);

  fileInput.addEventListener("change", () => {
    reading = readChosenFile();
  });

  async function readChosenFile() {
    const file = fileInput.files?.[0];
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    fileData = undefined;
    preview.replaceChildren();
    preview.hidden = true;
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    fileData = imageDataFromFile(file.type, bytesToBase64(bytes));
    const size = file.size < 1024
      ? `${file.size} bytes`
      : `${(file.size / 1024).toFixed(1)} KB`;
    const caption = document.createElement("p");
    caption.className = "preview-caption";
    caption.textContent = `${file.name}, ${size}, ${
      file.type || "type unknown"
    }`;
    if (/^image\/(png|jpeg|gif|webp)$/.test(file.type)) {
      previewUrl = URL.createObjectURL(file);
      const img = document.createElement("img");
      img.src = previewUrl;
      img.alt = `Preview of ${file.name}`;
      img.className = "preview-image";
      preview.replaceChildren(img, caption);
    } else {
      caption.textContent += " (no preview for this type)";
      preview.replaceChildren(caption);
    }
    preview.hidden = false;
    fileInput.dispatchEvent(new Event("input", { bubbles: true }));
  }

  setupPanel(context, {
    section,
    fn: "sagemaker-image-analysis",
    collect: () =>
      imagePayload({
        imageData: fileRadio.checked
          ? fileData
          : (s3Input.value.trim() || undefined),
        imageType: imageType.value,
        analysisType: analysisType.value,
      }),
    prepare: () => reading,
    render: renderImage,
    announce: (result) => {
      const top = result.predictions[0];
      return top
        ? `Image result: most likely ${humanize(top.condition)}, ${
          percent(top.confidence)
        }.`
        : "Image result: no predictions.";
    },
    async example() {
      const file = await samplePng();
      const transfer = new DataTransfer();
      transfer.items.add(file);
      fileInput.files = transfer.files;
      fileRadio.checked = true;
      showSource();
      if (!imageType.value) imageType.value = "xray";
      reading = readChosenFile();
      await reading;
    },
  });
}

/** A generated 96×96 grey-scale PNG, so the demo works without a file at hand. */
async function samplePng() {
  const canvas = document.createElement("canvas");
  canvas.width = 96;
  canvas.height = 96;
  const context = canvas.getContext("2d");
  if (context) {
    const gradient = context.createRadialGradient(48, 40, 6, 48, 48, 56);
    gradient.addColorStop(0, "#e8e8e8");
    gradient.addColorStop(1, "#202020");
    context.fillStyle = gradient;
    context.fillRect(0, 0, 96, 96);
  }
  const blob = await new Promise((resolve) =>
    canvas.toBlob(resolve, "image/png")
  );
  if (!(blob instanceof Blob)) throw new Error("could not draw the sample");
  return new File([blob], "generated-sample.png", { type: "image/png" });
}

/** @param {PanelContext} context */
function setupRisk(context) {
  const section = byId("risk", HTMLElement);
  const numberInputs = /** @type {HTMLInputElement[]} */ ([
    ...section.querySelectorAll("input[data-number]"),
  ]);
  const gender = byId("risk-gender", HTMLSelectElement);
  const smoking = byId("risk-smoking", HTMLSelectElement);
  const conditionBoxes = /** @type {HTMLInputElement[]} */ ([
    ...byId("risk-conditions", HTMLElement).querySelectorAll(
      "input[type=checkbox]",
    ),
  ]);
  // Conditions in the order they were ticked, as a person builds the list.
  /** @type {string[]} */
  let ticked = [];
  for (const box of conditionBoxes) {
    box.addEventListener("change", () => {
      ticked = ticked.filter((value) => value !== box.value);
      if (box.checked) ticked.push(box.value);
    });
  }

  setupPanel(context, {
    section,
    fn: "sagemaker-risk-score",
    collect: () =>
      riskPayload({
        numbers: Object.fromEntries(
          numberInputs.map((
            input,
          ) => [input.dataset.number ?? "", input.value]),
        ),
        gender: gender.value,
        smokingStatus: smoking.value,
        chronicConditions: ticked,
      }),
    itemLabel: {
      "patient_data.chronic_conditions": (i) => humanize(ticked[i] ?? ""),
    },
    render: renderRisk,
    announce: (result) =>
      `Risk result: ${humanize(result.risk_level)}, score ${
        percent(result.risk_score)
      }.`,
    example() {
      /** @type {Record<string, string>} */
      const values = {
        age: "67",
        heart_rate_bpm: "112",
        systolic_bp_mmhg: "165",
        diastolic_bp_mmhg: "95",
        respiratory_rate_per_min: "24",
        temperature_c: "38.4",
        spo2_percent: "91",
        bmi: "31.2",
      };
      for (const input of numberInputs) {
        input.value = values[input.dataset.number ?? ""] ?? "";
      }
      gender.value = "male";
      smoking.value = "current";
      ticked = ["diabetes", "copd"];
      for (const box of conditionBoxes) {
        box.checked = ticked.includes(box.value);
      }
    },
  });
}
