import { isOptionsGroup, type ComboboxParsedItem, type OptionsFilter } from '@mantine/core';
import { foldForSearch } from '../../../shared/search-text';

/** Mantine's option filter with accents folded too (its own only lower-cases): "joao" finds "João". */
export const foldedOptionsFilter: OptionsFilter = ({ options, search, limit }) => {
  const wanted = foldForSearch(search.trim());
  const found: ComboboxParsedItem[] = [];
  for (const item of options) {
    if (found.length >= limit) break;
    if (isOptionsGroup(item)) {
      const items = item.items.filter((o) => foldForSearch(o.label).includes(wanted));
      if (items.length > 0) found.push({ group: item.group, items });
    } else if (foldForSearch(item.label).includes(wanted)) found.push(item);
  }
  return found;
};
