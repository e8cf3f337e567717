import { certificatesWithExpiry } from './therapist-directory';

describe('therapist directory: specialty certificates', () => {
  it('keeps certificates with an expiry and leaves out those stored by name only', () =>
    expect(certificatesWithExpiry(['oncology-massage', { certificate: 'prenatal', expiresOn: '2026-12-31' }])).toEqual([
      { certificate: 'prenatal', expiresOn: '2026-12-31' },
    ]));
});
