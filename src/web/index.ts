export { createApp, Http404, BadRequest, DATA_UPLOAD_MAX_MEMORY_SIZE, logServerError, type AppConfig, type TroveApp } from './app.ts';
export { escapeHtml, page } from './pages.ts';
export { ViewRequest } from './request.ts';
export { Session, SessionInterrupted, SessionRecord, sessions, sign, unsign, type SessionOptions } from './sessions.ts';
export { vary } from './vary.ts';
export { csrf, CSRF_FIELD, rotateCsrfToken, type CsrfOptions } from './csrf.ts';
export { SECURITY_HEADERS, CONTENT_SECURITY_POLICY, withSecurityHeaders } from './security.ts';
export { neverCache, neverCacheForUsers, addNeverCacheHeaders, NEVER_CACHE } from './cache.ts';
export { LOCAL_HOSTS, isAllowedHost } from './hosts.ts';
export { compose, type Middleware } from './middleware.ts';
export { checkUrls } from './url-checks.ts';
export { path, include, reverse, NoReverseMatch, UrlResolver, type View, type ParamsOf, type UrlPattern, type Route, type Included } from './urls.ts';
export { getObjectOr404, redirect, redirectToUrl, type RedirectStatus } from './shortcuts.ts';
export { iriToUri } from './location.ts';
export { urlHasAllowedHostAndScheme, type AllowedRedirect } from './redirects.ts';
export { messages, addMessage, takeMessages, type Message, type MessageLevel } from './messages.ts';
export { authentication, login, logout, updateSessionAuthHash, authenticate, checkPasswordThrottled, loginRequired, permissionRequired, type GuardOptions, type RequestUser } from './auth.ts';
export { render, CsrfField, Messages, Layout, BaseLayout, useRequest, type LayoutProps } from './render.tsx';
export { serveStatic, type StaticOptions } from './static.ts';
export { restoreView, type RestoreViewOptions } from './trash.ts';
export { requestMay, mayDelete, mayRestore, mayUndo } from './deletion-permissions.ts';
export { DeletionNotPermitted, authorizeDelete, authorizeRestore, authorizePurge, userMay, type PermissionCheck, type PermissionNeed } from '../auth/index.ts';
export { DeleteView, type DeleteViewOptions } from './delete-view.tsx';
export { ConfirmDelete, describePlan, type BlockingShare, type DeleteConfirmationProps, type ModelShare } from './confirm-delete.tsx';
export {
  modelForm, ModelForm, BoundField, Form, FormErrors, FormFields, FieldRow, FieldLabel, FieldWidget, FieldErrors, FieldHelp, WidgetInput, fieldIds,
  addError, cleanOnto, cleanRelatedKeys, formValue, FormValueError, initialValues, parseValue, postedData, postedValues,
  SELECT_LIMIT, formFieldFor, isEditable, isRequired, relatedChoices, relatedLabels, widgetFor,
  type ModelFormClass, type ModelFormInit, type ModelFormOptions, type FormState, type FormModel, type FormFieldName, type CleanedData, type CleanedValue,
  type FormProps, type WidgetInputProps, type CleanedOnto, type CleanOntoOptions, type FormErrorMap, type FormInput, type PostedData, type FormField, type Widget,
} from './forms/index.ts';
export { CreateView, UpdateView, ModelFormView, ModelFormPage, type EditViewOptions, type UpdateViewOptions, type EditFormProps } from './edit-views.tsx';
export { HTTPS_SETTINGS, type HttpsSettings } from './https.ts';
