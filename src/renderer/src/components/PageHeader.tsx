import { Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** Page title and one-line description on the left, actions on the right (wrapping below when narrow). */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description: string;
  actions?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-end" gap="sm" wrap="wrap">
      <div style={{ flex: '1 1 360px', minWidth: 0 }}>
        <Title order={2} size="h3">
          {title}
        </Title>
        <Text size="sm" c="dimmed" data-testid="page-description">
          {description}
        </Text>
      </div>
      {actions && (
        <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
          {actions}
        </Group>
      )}
    </Group>
  );
}
