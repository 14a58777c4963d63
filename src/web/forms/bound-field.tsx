/**
 * `form.field('title')`: one field of a form for a page laid out by hand, as Django's bound
 * field. Its pieces are components, tied together as the whole form ties them:
 *
 *     const title = form.field('title');
 *     <title.Label /> <title.Widget /> <title.Errors /> <title.Help />
 */
import type { ModelForm } from './model-form.ts';
import { FieldErrors, FieldHelp, FieldLabel, FieldRow, FieldWidget, fieldIds } from './render.tsx';

export class BoundField<N extends string = string> {
  constructor(
    readonly form: ModelForm<any, any, N>,
    readonly name: N,
  ) {
    form.modelField(name);
  }

  /** The input's id, for a label or a link of your own. */
  get id(): string {
    return fieldIds(this.name).input;
  }

  get label(): string {
    return this.form.labelOf(this.name);
  }

  get required(): boolean {
    return this.form.isRequired(this.name);
  }

  /** The field's messages; empty until `isValid()` found some. */
  get errors(): string[] {
    return this.form.errors[this.name] ?? [];
  }

  /** The label, tied to the input and marked when required. */
  readonly Label = () => <FieldLabel form={this.form} name={this.name} />;
  /** The input, with aria-invalid and aria-describedby naming its errors and help. */
  readonly Widget = () => <FieldWidget form={this.form} name={this.name} />;
  readonly Errors = () => <FieldErrors form={this.form} name={this.name} />;
  readonly Help = () => <FieldHelp form={this.form} name={this.name} />;
  /** All four, as the whole form shows them. */
  readonly Row = () => <FieldRow form={this.form} name={this.name} />;
}
