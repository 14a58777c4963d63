/** Forms for your own views: `modelForm(Model, { fields })`, its pieces, and how the admin's forms are built. */
export { modelForm, ModelForm, type ModelFormClass, type ModelFormInit, type ModelFormOptions, type FormState, type FormModel, type FormFieldName, type CleanedData, type CleanedValue } from './model-form.ts';
export { BoundField } from './bound-field.tsx';
export { Form, FormErrors, FormFields, FieldRow, FieldLabel, FieldWidget, FieldErrors, FieldHelp, WidgetInput, fieldIds, type FormProps, type WidgetInputProps } from './render.tsx';
export { cleanOnto, addError, type CleanedOnto, type CleanOntoOptions, type FormErrors as FormErrorMap } from './validation.ts';
export { attnameOf, cleanRelatedKeys, formValue, FormValueError, initialValues, parseValue, postedData, postedValues, type FormInput, type PostedData } from './binding.ts';
export { SELECT_LIMIT, formFieldFor, isEditable, isRequired, relatedChoices, relatedLabels, widgetFor, type FormField, type Widget } from './widgets.ts';
