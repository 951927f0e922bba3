import { csvField, usageCsv } from './usage-csv';

describe('usage CSV', () => {
  it('quotes separators, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1+2')).toBe(`"'-1+2"`);
    expect(csvField('nul\0byte')).toBe('nulbyte');
    expect(csvField(null)).toBe('');
    // numbers are figures, never formulas
    expect(csvField(-5)).toBe('-5');
  });

  it('writes a header and one CRLF-terminated line per usage line', () => {
    const csv = usageCsv([
      {
        bucket: '2026-11-01',
        modelId: 'm',
        modelSlug: 'velvet-pro-1',
        apiKeyId: 'k',
        apiKeyName: 'ci, nightly',
        teamId: 't',
        teamName: 'Research',
        currency: 'USD',
        requests: 3,
        failed: 1,
        partial: 0,
        inputTokens: '10',
        outputTokens: '20',
        costMicros: '1234',
        refusals: 2,
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'bucket,model,model_id,api_key,api_key_id,team,team_id,currency,requests,failed,partial,input_tokens,output_tokens,cost_micros,refusals',
      '2026-11-01,velvet-pro-1,m,"ci, nightly",k,Research,t,USD,3,1,0,10,20,1234,2',
      '',
    ]);
  });
});
