import { tracingSettings } from './tracing-settings';

describe('tracingSettings', () => {
  it('is off by default, when disabled, with exporter none, and on invalid variables', () => {
    expect(tracingSettings({})).toBeNull();
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(tracingSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
    expect(tracingSettings({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'smoke' })).toBeNull();
  });

  it('is on with an OTLP endpoint (any of the two) or an explicit exporter', () => {
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }),
    ).not.toBeNull();
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c/v1/traces' }),
    ).not.toBeNull();
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'console' })).not.toBeNull();
  });
});
