import {
  Button,
  Group,
  PasswordInput,
  Switch,
  TextInput,
  type PasswordInputProps,
  type SwitchProps,
  type TextInputProps,
} from '@mantine/core'

/**
 * The form fields every dialog and page uses, bound to a value and a setter (`onValue`) instead of a change
 * event, so a form reads as a list of labelled values.
 */
export function TextField({
  value,
  onValue,
  ...props
}: Omit<TextInputProps, 'value' | 'onChange'> & { value: string; onValue: (value: string) => void }) {
  return (
    <TextInput
      {...props}
      value={value}
      onChange={(e) => {
        onValue(e.currentTarget.value)
      }}
    />
  )
}

export function PasswordField({
  value,
  onValue,
  ...props
}: Omit<PasswordInputProps, 'value' | 'onChange'> & { value: string; onValue: (value: string) => void }) {
  return (
    <PasswordInput
      {...props}
      value={value}
      onChange={(e) => {
        onValue(e.currentTarget.value)
      }}
    />
  )
}

export function SwitchField({
  checked,
  onChecked,
  ...props
}: Omit<SwitchProps, 'checked' | 'onChange'> & { checked: boolean; onChecked: (checked: boolean) => void }) {
  return (
    <Switch
      {...props}
      checked={checked}
      onChange={(e) => {
        onChecked(e.currentTarget.checked)
      }}
    />
  )
}

/** A dialog's closing row: a secondary button that leaves, and the submit button that says what it does. */
export function FormActions({
  submit,
  onCancel,
  cancel = 'Cancel',
  pending = false,
  disabled = false,
}: {
  submit: string
  onCancel: () => void
  cancel?: string
  pending?: boolean
  disabled?: boolean
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {cancel}
      </Button>
      <Button type="submit" loading={pending} disabled={disabled}>
        {submit}
      </Button>
    </Group>
  )
}
