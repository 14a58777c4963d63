/**
 * The admin's own password change (Django's PasswordChangeView): the old password, then the new
 * one twice. The old password is checked under the login throttle, so a stolen session is no
 * way round its limit; past it the form says so with a 429 and Retry-After. Every other session
 * of the user ends; this one stays logged in, under a new key.
 */
import { LoginThrottled, passwordProblems, type User } from '../auth/index.ts';
import { checkPasswordThrottled, redirect, render, updateSessionAuthHash, type ViewRequest } from '../web/index.ts';
import { PasswordChangePage } from './form-pages.tsx';
import type { AdminFrame } from './pages.tsx';

export async function passwordChangeView(request: ViewRequest<any>, frame: AdminFrame, doneUrl: string): Promise<Response> {
  if (request.method !== 'POST') return render(request, PasswordChangePage({ frame, errors: {}, done: false }));
  const form = await request.form();
  const user = request.user as User;
  const [old, first, second] = ['old_password', 'new_password1', 'new_password2'].map((k) => String(form.get(k) ?? ''));
  let right: boolean;
  try {
    right = await checkPasswordThrottled(user, old!);
  } catch (error) {
    if (!(error instanceof LoginThrottled)) throw error;
    const minutes = Math.ceil(error.retryAfterSeconds / 60);
    const errors = { old_password: [`Too many incorrect passwords for this account; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`] };
    const response = await render(request, PasswordChangePage({ frame, errors, done: false }), 429);
    response.headers.set('retry-after', String(error.retryAfterSeconds));
    return response;
  }
  const errors: Record<string, string[]> = {};
  if (!right) errors.old_password = ['Your old password was entered incorrectly. Please enter it again.'];
  if (first !== second) errors.new_password2 = ['The two password fields didn’t match.'];
  else {
    const problems = passwordProblems(first!, user);
    if (problems.length > 0) errors.new_password2 = problems;
  }
  if (Object.keys(errors).length > 0) return render(request, PasswordChangePage({ frame, errors, done: false }));
  await user.setPassword(first!);
  await user.save();
  updateSessionAuthHash(request, user);
  return redirect(doneUrl);
}
