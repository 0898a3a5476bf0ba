// Starts GOV.UK Frontend's components. A module, as GOV.UK Frontend is: browsers too old
// for modules skip it and keep the plain HTML.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();
