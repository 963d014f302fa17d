import {
  Avatar,
  Badge,
  Button,
  CloseButton,
  Group,
  Paper,
  ScrollArea,
  Skeleton,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSubjects } from '../../api/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IconPlus, IconSearch, IconUser } from '../../components/icons';
import { STATUS_COLOR } from '../../lib/labels';
import { useFitHeight } from '../../lib/use-fit-height';
import classes from './Watchlist.module.css';

/** Under the list: the panel's padding and border, then the page's own bottom padding. */
const LIST_BOTTOM_GAP = 36;

export function StatusBadge({
  status,
  size = 'sm',
}: {
  status: 'wanted' | 'caught' | 'closed';
  size?: string;
}) {
  const { t } = useTranslation();
  return (
    <Badge
      size={size}
      radius="sm"
      variant={status === 'wanted' ? 'filled' : 'light'}
      color={STATUS_COLOR[status]}
      // Beside a long name, the name gives way, not the status.
      style={{ flexShrink: 0 }}
      data-testid="subject-status-badge"
      data-status={status}
    >
      {t(`watchlist.status.${status}`)}
    </Badge>
  );
}

export function SubjectList({
  selectedId,
  onSelect,
  onCreate,
  query,
  onQueryChange: setQuery,
}: {
  selectedId: string | null;
  onSelect: (id: string) => void;
  onCreate: () => void;
  /** The search, kept by the page: a subject created there clears it when the search would hide it. */
  query: string;
  onQueryChange: (query: string) => void;
}) {
  const { t } = useTranslation();
  const [debounced] = useDebouncedValue(query, 200);
  const list = useSubjects(debounced);
  const subjects = list.data?.subjects ?? [];
  const searching = debounced.trim() !== '';
  // Only the rows in view are rendered: 5 000 subjects took 11 s to show when all were.
  const viewport = useRef<HTMLDivElement>(null);
  // The list scrolls itself within the window: taller, End or the arrows scrolled the whole page.
  const panel = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const listHeight = useFitHeight(scroller, panel, LIST_BOTTOM_GAP, 200);
  // eslint-disable-next-line react-hooks/incompatible-library -- re-renders on scroll by design
  const rows = useVirtualizer({
    count: subjects.length,
    getScrollElement: () => viewport.current,
    estimateSize: () => 66,
    overscan: 8,
    getItemKey: (i) => subjects[i]!.id,
  });
  // A new search shows its best matches from the top, not where the last list was scrolled.
  useEffect(() => {
    rows.scrollToOffset(0);
  }, [debounced, rows]);
  // The chosen subject stays in view (chosen elsewhere, or just created).
  const selectedIndex = subjects.findIndex((s) => s.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) rows.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, rows]);
  // Tab cannot reach rows that are not rendered: the arrow keys, Home and End walk the whole list.
  const focusRow = (index: number) => {
    const to = Math.max(0, Math.min(subjects.length - 1, index));
    rows.scrollToIndex(to, { align: 'auto' });
    const focus = (tries: number) => {
      const el = viewport.current?.querySelector<HTMLElement>(
        `[data-index="${to}"] [data-testid="subject-row"]`,
      );
      if (el) el.focus();
      else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
    };
    focus(10);
  };
  const rowKeys: Record<string, (i: number) => number> = {
    ArrowDown: (i) => i + 1,
    ArrowUp: (i) => i - 1,
    Home: () => 0,
    End: () => subjects.length - 1,
    PageDown: (i) => i + 8,
    PageUp: (i) => i - 8,
  };

  return (
    <Paper
      withBorder
      radius="sm"
      className={classes.listPanel}
      ref={panel}
      data-testid="watchlist-list-panel"
    >
      <Stack gap="xs" p="sm" pb={0}>
        <TextInput
          placeholder={t('watchlist.searchPlaceholder')}
          aria-label={t('watchlist.searchLabel')}
          leftSection={<IconSearch size={16} />}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
          }}
          rightSection={
            query ? (
              <CloseButton size="sm" aria-label={t('watchlist.clearSearch')} onClick={() => setQuery('')} />
            ) : null
          }
          data-testid="watchlist-search"
        />
        <Text size="xs" c="dimmed" data-testid="watchlist-count" aria-live="polite">
          {list.data
            ? searching
              ? t('watchlist.countFiltered', { count: subjects.length })
              : t('watchlist.count', { count: subjects.length })
            : ' '}
        </Text>
      </Stack>
      {/* Mantine lays the content out as a table, which grows with a long name instead of cutting it. */}
      <ScrollArea.Autosize
        ref={scroller}
        viewportRef={viewport}
        mah={listHeight ?? 'calc(100vh - 270px)'}
        type="auto"
        offsetScrollbars
        scrollbars="y"
        styles={{ content: { display: 'block', minWidth: 0 } }}
      >
        <Stack gap={2} p="xs" pt={4} role="list" aria-label={t('watchlist.listLabel')}>
          {list.isPending &&
            Array.from({ length: 4 }, (_, i) => <Skeleton key={i} height={56} radius="sm" />)}
          {list.isError && <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />}
          {list.data && subjects.length === 0 && (
            <Stack gap="xs" align="center" py="lg" px="sm" data-testid="watchlist-empty">
              <Text fw={600} ta="center">
                {searching
                  ? t('watchlist.noResults', { query: debounced.trim() })
                  : t('watchlist.emptyTitle')}
              </Text>
              {!searching && (
                <>
                  <Text size="sm" c="dimmed" ta="center">
                    {t('watchlist.emptyBody')}
                  </Text>
                  <Button size="xs" leftSection={<IconPlus size={14} />} onClick={onCreate}>
                    {t('watchlist.newSubject')}
                  </Button>
                </>
              )}
            </Stack>
          )}
          <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
            {rows.getVirtualItems().map((item) => {
              const s = subjects[item.index]!;
              const selected = s.id === selectedId;
              return (
                <div
                  role="listitem"
                  key={item.key}
                  data-index={item.index}
                  ref={rows.measureElement}
                  aria-setsize={subjects.length}
                  aria-posinset={item.index + 1}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    width: '100%',
                    transform: `translateY(${item.start}px)`,
                    paddingBottom: 2,
                  }}
                >
                  <UnstyledButton
                    className={classes.row}
                    data-selected={selected || undefined}
                    aria-current={selected ? 'true' : undefined}
                    onClick={() => onSelect(s.id)}
                    onKeyDown={(e) => {
                      const to = rowKeys[e.key];
                      if (!to) return;
                      e.preventDefault();
                      focusRow(to(item.index));
                    }}
                    data-testid="subject-row"
                    data-subject-id={s.id}
                    data-name={s.name}
                  >
                    <Group gap="sm" wrap="nowrap">
                      <Avatar src={s.thumbnailUrl ?? undefined} size={44} radius="sm" alt="">
                        <IconUser size={20} />
                      </Avatar>
                      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                        <Group gap={6} wrap="nowrap" justify="space-between">
                          <Text
                            size="sm"
                            fw={600}
                            truncate="end"
                            dir="auto"
                            miw={0}
                            title={s.name}
                            data-testid="subject-row-name"
                          >
                            {s.name}
                          </Text>
                          <StatusBadge status={s.status} size="xs" />
                        </Group>
                        <Text
                          size="xs"
                          c="dimmed"
                          truncate="end"
                          dir="auto"
                          title={s.aliases.length > 0 ? s.aliases.join(', ') : undefined}
                        >
                          {s.aliases.length > 0 ? s.aliases.join(', ') : ' '}
                        </Text>
                        <Group gap={6} wrap="nowrap" justify="space-between">
                          <Text
                            size="xs"
                            c="dimmed"
                            ff="monospace"
                            truncate="end"
                            dir="auto"
                            miw={0}
                            title={s.caseRef || undefined}
                          >
                            {s.caseRef}
                          </Text>
                          <Text
                            size="xs"
                            c={s.faceCount === 0 ? 'orange' : 'dimmed'}
                            style={{ flexShrink: 0 }}
                            data-testid="subject-face-count"
                            data-count={s.faceCount}
                          >
                            {t('watchlist.faceCount', { count: s.faceCount })}
                          </Text>
                        </Group>
                      </Stack>
                    </Group>
                  </UnstyledButton>
                </div>
              );
            })}
          </div>
        </Stack>
      </ScrollArea.Autosize>
    </Paper>
  );
}
