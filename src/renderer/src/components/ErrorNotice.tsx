import { Alert, Badge, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorShapeOf } from '../api/errors';
import { IconAlert, IconRefresh } from './icons';
import { errorText } from '../lib/error-text';

/** A failed call: localised title for the code, the core's own message, the stable code. */
export function ErrorNotice({
  error,
  title,
  onRetry,
  retrying,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const shape = errorShapeOf(error);
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlert />}
      title={title ?? t(`errors.codes.${shape.code}`)}
      data-testid="error-notice"
      data-code={shape.code}
      // Messages name paths, which have no spaces to break at: they wrap anywhere, inside the card.
      styles={{ title: { overflowWrap: 'anywhere', minWidth: 0 }, body: { minWidth: 0 } }}
    >
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {errorText(shape, t, i18n.language)}
      </Text>
      <Group gap="xs" mt="xs" justify="space-between">
        <Badge variant="outline" color="red" size="sm" radius="sm">
          {t('common.errorCode')}: {shape.code}
        </Badge>
        {onRetry && (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconRefresh size={14} />}
            onClick={onRetry}
            loading={retrying}
          >
            {t('common.retry')}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
