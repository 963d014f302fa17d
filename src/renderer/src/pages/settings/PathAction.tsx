import { Button, Group, TextInput } from '@mantine/core';

/** A path on the machine that runs Vigil (typed, in monospace), and the one thing to do with it (its button, or Enter). */
export function PathAction({
  label,
  placeholder,
  value,
  onChange,
  testId,
  action,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  action: { label: string; onClick: () => void; disabled: boolean; loading?: boolean; testId: string };
}) {
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <TextInput
        label={label}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        // Enter does what the button beside the field does.
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !action.disabled && !action.loading) {
            e.preventDefault();
            action.onClick();
          }
        }}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        style={{ flex: 1 }}
        data-testid={testId}
      />
      <Button
        variant="default"
        onClick={action.onClick}
        disabled={action.disabled}
        loading={action.loading}
        data-testid={action.testId}
      >
        {action.label}
      </Button>
    </Group>
  );
}
