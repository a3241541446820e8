/** What the registry UI's browser tests and its bench (bench/registry-ui) share. */
export {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  SCREENSHOTS_DIR,
  launchBrowser,
  openTestPage,
  screenshot,
  type LaunchedBrowser,
  type TestPage,
} from './browser.js';
export { UI_BUILD_DIR, ensureUiBuilt } from './build-ui.js';
export {
  UI_WRITE_TOKEN,
  startLiveRegistry,
  type LiveRegistry,
  type LiveRegistryOptions,
} from './live-registry.js';
export { seedRegistry, type SeededRegistry, type SeededRun } from './seed.js';
export {
  MONITORED_WEEKS,
  seedMonitoredVersion,
  startLiveMonitor,
  untilLogged,
  type LiveMonitorOptions,
  type MonitoredVersion,
  type SeedMonitoredVersionOptions,
} from './monitored-version.js';
