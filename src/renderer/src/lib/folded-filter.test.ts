import { describe, expect, it } from 'vitest';
import { foldedOptionsFilter } from './folded-filter';

const options = [
  { value: '1', label: 'João Exemplo' },
  { value: '2', label: 'Zoë Test' },
  { group: 'Closed', items: [{ value: '3', label: 'Inês Souza' }] },
];
const labels = (search: string, limit = Infinity) =>
  foldedOptionsFilter({ options, search, limit }).map((o) => ('group' in o ? o.items[0]!.label : o.label));

describe('foldedOptionsFilter', () => {
  it('finds names typed without their accents, in any case, groups included', () => {
    expect(labels('joao')).toEqual(['João Exemplo']);
    expect(labels('ZOE')).toEqual(['Zoë Test']);
    expect(labels('ines')).toEqual(['Inês Souza']);
    expect(labels('  ')).toHaveLength(3);
    expect(labels('nobody')).toEqual([]);
    expect(labels('e', 1)).toEqual(['João Exemplo']);
  });
});
