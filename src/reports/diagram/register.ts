// Side-effect module: registers the zone-flow diagram writer with the report writers, so every
// stack checked by SecureDeploymentChecks also gets zone-flows.mmd and zone-flows.svg.
// Import it AFTER "../reports" has loaded (e.g. from src/engine/aspect.ts); importing it from
// src/reports/index.ts itself would run before that module's writer list exists.
import { writeZoneFlowDiagrams } from "./index";
import { registerReportWriter } from "../index";

registerReportWriter(writeZoneFlowDiagrams);
