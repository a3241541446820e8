import type { Page } from 'playwright-core';

/** The marks the UI sets (src/views/runs-page.tsx, src/components/metric-chart.tsx). */
export const RUNS_FIRST_PAGE = 'runs-table:first-page';
export const CHART_DRAWN = 'metric-chart:drawn';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function waitForMark(page: Page, mark: string): Promise<number> {
  await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, mark, {
    polling: 'raf',
    timeout: 30_000,
  });
  return page.evaluate((name) => performance.getEntriesByName(name)[0]!.startTime, mark);
}

/** Milliseconds from the start of navigation to `url` (a fresh document) until the UI sets `mark`. */
export async function loadToMark(
  page: Page,
  url: string,
  mark: string,
  { reload = false } = {},
): Promise<number> {
  if (reload) await page.reload({ waitUntil: 'commit' });
  else await page.goto(url, { waitUntil: 'commit' });
  return waitForMark(page, mark);
}

/** Milliseconds from a click on `selector` (navigation inside the app, no new document) until `mark`. */
export async function clickToMark(page: Page, selector: string, mark: string): Promise<number> {
  const clickedAt = await page.evaluate((name) => {
    performance.clearMarks(name);
    return performance.now();
  }, mark);
  await page.click(selector);
  return (await waitForMark(page, mark)) - clickedAt;
}

/** How long the browser waited for the last response whose URL contains `fragment`. */
export async function lastResponseMs(page: Page, fragment: string): Promise<number | undefined> {
  return page.evaluate((part) => {
    const entries = performance
      .getEntriesByType('resource')
      .filter((entry) => entry.name.includes(part));
    const last = entries.at(-1) as PerformanceResourceTiming | undefined;
    return last ? last.responseEnd - last.requestStart : undefined;
  }, fragment);
}
