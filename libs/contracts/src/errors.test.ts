import { describe, expect, expectTypeOf, it } from 'vitest';
import * as enums from '@skatehubba/enums';
import * as contracts from './index';
import { httpStatusOf, RULE_KINDS, type DataRuleErrorWire, type RuleKind } from './index';

describe('the entry', () => {
  it('carries the enums too, so the SDK imports one package', () => {
    for (const [name, value] of Object.entries(enums)) expect(contracts[name as keyof typeof contracts], name).toBe(value);
  });
});

describe('refusal kinds', () => {
  it('are the five the API maps to a status', () => {
    expect(RULE_KINDS).toEqual(['invalid', 'conflict', 'missing_reference', 'in_use', 'forbidden']);
    expectTypeOf<RuleKind>().toEqualTypeOf<'invalid' | 'conflict' | 'missing_reference' | 'in_use' | 'forbidden'>();
  });

  it('each answer with its HTTP status', () => {
    expect(Object.fromEntries(RULE_KINDS.map((kind) => [kind, httpStatusOf(kind)]))).toEqual({
      invalid: 400,
      conflict: 409,
      missing_reference: 404,
      in_use: 409,
      forbidden: 403,
    });
  });

  it('travel as rule, kind, message and facts', () => {
    expectTypeOf<DataRuleErrorWire>().toEqualTypeOf<{ rule: string; kind: RuleKind; message: string; facts: Record<string, unknown> }>();
  });
});
