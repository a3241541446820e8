import { describe, expect, it } from 'vitest';
import { ReadDoorkeeper } from './read-doorkeeper.js';

describe('ReadDoorkeeper', () => {
  it('says a key was seen only from its second read on', () => {
    const doorkeeper = new ReadDoorkeeper();
    expect(doorkeeper.seenBefore('fs:{customer:cus_1}:customer_profile:ab12')).toBe(false);
    expect(doorkeeper.seenBefore('fs:{customer:cus_1}:customer_profile:ab12')).toBe(true);
    expect(doorkeeper.seenBefore('fs:{customer:cus_1}:customer_profile:ab12')).toBe(true);
    expect(doorkeeper.seenBefore('fs:{customer:cus_2}:customer_profile:ab12')).toBe(false);
  });

  it('calls few unseen keys seen: under 1 % of 100,000 after 100,000 others', () => {
    const doorkeeper = new ReadDoorkeeper();
    for (let i = 0; i < 100_000; i++) doorkeeper.seenBefore(`fs:{customer:cus_${i}}:customer_activity:9f`);
    let wrong = 0;
    for (let i = 0; i < 100_000; i++) if (doorkeeper.seenBefore(`fs:{card:card_${i}}:card_activity:9f`)) wrong++;
    expect(wrong / 100_000).toBeLessThan(0.01);
  });

  it('forgets everything when cleared', () => {
    const doorkeeper = new ReadDoorkeeper();
    doorkeeper.seenBefore('a');
    doorkeeper.clear();
    expect(doorkeeper.seenBefore('a')).toBe(false);
  });
});
