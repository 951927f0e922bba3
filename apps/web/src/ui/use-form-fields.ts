import { useState } from 'react';

/**
 * State for a form of text inputs: `field('email')` is the onChange handler for that input,
 * `reset()` puts every value back to the initial ones.
 */
export function useFormFields<T extends Record<string, string>>(initial: T) {
  const [values, setValues] = useState(initial);
  const field = (k: keyof T) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  return { values, field, setValues, reset: () => setValues(initial) };
}
