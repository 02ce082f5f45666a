// The EventBridge rule pattern exactly as the module renders it (terraform test -json -verbose,
// mock_provider), evaluated against real-shaped S3 "Object Created" events with our reading of the
// documented matching rules (eventbridge-pattern.ts says what that reading covers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedPatternError, matchesPattern } from './eventbridge-pattern.js';
import { MODULE_DIRECTORY, TERRAFORM, TERRAFORM_MISSING, type Terraform, type TestRunState, parseTestStates, startTerraform } from './terraform-harness.js';

if (TERRAFORM_MISSING) console.warn(`Skipping the EventBridge pattern suite: no terraform binary at ${TERRAFORM} (set TERRAFORM=...).`);

/** An S3 event as EventBridge delivers it (shape from the S3 user guide's EventBridge event examples). */
const objectCreated = (bucket: string, key: string, detailType = 'Object Created') => ({
  version: '0',
  id: '17793124-05d4-b198-2fde-7ededc63b103',
  'detail-type': detailType,
  source: 'aws.s3',
  account: '123456789012',
  time: '2026-11-30T10:00:00Z',
  region: 'eu-west-1',
  resources: [`arn:aws:s3:::${bucket}`],
  detail: {
    version: '0',
    bucket: { name: bucket },
    object: { key, size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', 'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '617f08299329d189' },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '123456789012',
    'source-ip-address': '1.2.3.4',
    reason: 'PutObject',
  },
});

describe('the EventBridge matcher itself', () => {
  it('follows the documented examples', () => {
    expect(matchesPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'a.png' })).toBe(true);
    expect(matchesPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'a.PNG' })).toBe(false);
    expect(matchesPattern({ service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] }, { service: 'EventBRIDGE' })).toBe(true);
    expect(matchesPattern({ Region: [{ prefix: 'us-' }] }, { Region: 'eu-west-1' })).toBe(false);
    expect(matchesPattern({ Location: ['New York'], Day: ['Monday'] }, { Location: 'New York' })).toBe(false);
  });

  it('refuses operators it does not implement instead of guessing', () => {
    expect(() => matchesPattern({ key: [{ wildcard: '*.jpg' }] }, { key: 'a.jpg' })).toThrow(UnsupportedPatternError);
  });
});

describe.skipIf(TERRAFORM_MISSING)('the rule pattern the module renders', () => {
  let terraform: Terraform;
  let states: Map<string, TestRunState>;
  const pattern = (run: string) => {
    const value = states.get(run)?.outputs.eventbridge_event_pattern?.value;
    if (typeof value !== 'string') throw new Error(`run ${run} has no eventbridge_event_pattern output`);
    return JSON.parse(value) as Parameters<typeof matchesPattern>[0];
  };

  beforeAll(async () => {
    terraform = await startTerraform();
    const result = await terraform.initAndRun(MODULE_DIRECTORY, ['test', '-json', '-verbose']);
    states = new Map(parseTestStates(result.stdout).map((state) => [state.run, state]));
  });

  afterAll(async () => {
    await terraform?.stop();
  });

  it.each([
    ['IMG_0001.jpg', true],
    ['IMG_0001.JPG', true],
    ['IMG_0001.Jpg', true],
    ['2019/Summer holiday/IMG 0001 + café 日本.Jpeg', true],
    ['DSC_0001.NEF', true],
    ['IMG_0001.XMP', true],
    ['IMG_0001.aae', true],
    ['IMG_0001.JPG.supplemental-metadata.json', true],
    ['notes.txt', false],
    ['IMG_0001.jpg.part', false],
    ['IMG_0001jpg', false],
  ])('without a prefix, key %j matches: %s', (key, expected) => {
    expect(matchesPattern(pattern('existing_source_bucket_with_eventbridge'), objectCreated('example-uploads', key))).toBe(expected);
  });

  it('matches only the source bucket and only Object Created', () => {
    const rendered = pattern('existing_source_bucket_with_eventbridge');
    expect(matchesPattern(rendered, objectCreated('example-photos', 'IMG_0001.jpg'))).toBe(false);
    expect(matchesPattern(rendered, objectCreated('example-uploads', 'IMG_0001.jpg', 'Object Deleted'))).toBe(false);
    expect(matchesPattern(rendered, { ...objectCreated('example-uploads', 'IMG_0001.jpg'), source: 'aws.s3-other' })).toBe(false);
  });

  it.each([
    ['incoming/IMG_0001.Jpg', true],
    ['incoming/notes.txt', true], // the function filters extensions itself in prefix mode
    ['photos/2026-01-01/IMG_0001.jpg', false], // its own copies never trigger it
    ['photos/2026-01-01/IMG_0001.jpg.json', false],
    ['IMG_0001.jpg', false],
  ])('with source_prefix incoming/ (one bucket), key %j matches: %s', (key, expected) => {
    expect(matchesPattern(pattern('created_bucket_eventbridge_with_prefix'), objectCreated('example-uploads', key))).toBe(expected);
  });
});
