// The workflow bundle's entry point: only workflow code (no I/O) may be reachable from here.
export { paymentWorkflow, progressQuery, reviewDecisionSignal } from './payment-workflow.js';
