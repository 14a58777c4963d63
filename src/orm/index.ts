export { model, Model, type ModelClass, type SaveOptions, type SoftDeleteFields } from './model.ts';
export { fields } from './fields/index.ts';
export {
  Field, CharField, TextField, EmailField, SlugField, URLField, IntegerField, BigIntegerField, AutoField, FloatField,
  DecimalField, BooleanField, DateField, DateTimeField, JsonField, UuidField, ForeignKeyField, OneToOneField,
  ManyToManyField, CASCADE, PROTECT, RESTRICT, SET_NULL, SET_DEFAULT, SET, DO_NOTHING,
  type FieldOptions, type OnDelete, type OnDeleteName, type ModelRef, type JsonValue,
  // What the builders' inferred types are made of: exported so a project's declarations can name them.
  type Typed, type NullableIf, type OptionalIf, type Scalar, type PkIf, type AutoOptional, type IsNull, type TargetInstance,
  type RelationType, type RefClass, type ModelLike,
} from './fields/index.ts';
export { ModelMeta, type ModelOptions, type ModelConstraint, type ReverseRelation } from './meta.ts';
export { getModel, allModels, defaultRegistry, noteModelClass, ModelRegistry } from './registry.ts';
export { capitalise } from './naming.ts';
export { checkModels } from './checks.ts';
export { closestName, closestPath } from './did-you-mean.ts';
export { resolveOrdering } from './query/paths.ts';
export { ObjectDoesNotExist, MultipleObjectsReturned, FieldError, ValidationError, QueryUsageError, NON_FIELD_ERRORS } from './errors.ts';
export { minValue, maxValue, minLength, regexValidator, type Validator, type LimitValidator } from './validators.ts';
export { isCalendarDate, parseCalendarDate } from './fields/calendar.ts';
export { integerRange, type IntegerRange } from './fields/integer-ranges.ts';
export type { FullCleanOptions } from './validation.ts';
export { RelationNotLoadedError, DeferredFieldError, STATE, stateOf, databaseOf, hydrate, type InstanceLike } from './instance.ts';
export { QuerySet, initialState, type QueryState, type Scope } from './query/queryset.ts';
export { Manager } from './query/manager.ts';
export { RawQuerySet } from './query/raw.ts';
export type { BulkUpdateOptions } from './query/bulk.ts';
export { RelatedManager, ManyRelatedManager } from './query/related.ts';
export { prepareSelect, type SelectSpec, type RowLock } from './query/compiler.ts';
export { prepareDelete, prepareUpdate } from './query/writes.ts';
export { conditionExpression } from './query/writes.ts';
export { readsOfCondition, readsOfExpression, type ConditionReads } from './query/reads.ts';
export { partsOf, partsOfExpression, mapTree, someOnRow, type ConditionParts, type NestedQuery, type TreeMap } from './query/tree.ts';
export { pkIn, and, liveRows, LOOKUPS, SOFT_DELETED_AT, type WhereNode } from './query/where.ts';
export { resolveFilterArgs } from './query/filter-call.ts';
export { installDeleter, type Deleter, type OnlineDeleteOptions, type OnlineDeleteStarted, type DeleteResult, type DeleteOptions, type DeleteProgress, type DeletePlanLike, type PlanOptions, type RestoreOptions, type BulkDeleteOptionsLike } from './deleter.ts';
export type { CreateInput, UpdateInput, FilterInput, FieldMap, InstanceData, Lookup, ModelInstance, ModelRelations, InstanceOfClass, FieldsOf, ManyToManyKeys, AnyInstance, LabelOf } from './types.ts';

import { Q as QClass, QFunction } from './query/q.ts';
/** `Q({ status: 'draft' }).or({ author__name: 'Ann' })`: conditions combined with and / or / not. */
export const Q = QFunction;
export type Q = QClass;
export { Paginator, Page, KeysetPaginator, InvalidPage, PageNotAnInteger, EmptyPage, type PaginatorOptions, type KeysetPage } from './pagination.ts';
export { F, Value, OuterRef, Subquery, OrderByExpression, type NullsOrder, OuterReference, SubqueryExpression, Expression, FieldReference, ValueExpression, CombinedExpression, type ResolvedExpression } from './expressions.ts';
export { Aggregate, Count, Sum, Avg, Min, Max, type AggregateFunction, type AggregateOptions, type AggregateResult, type AnnotationInput } from './aggregates.ts';
export { ExistsOf as Exists, type ExistsSource } from './query/exists.ts';
