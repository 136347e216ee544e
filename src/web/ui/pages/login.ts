import type { SessionInfo } from '../../routes/session.js';
import { post } from '../api.js';
import { field, fill, h } from '../dom.js';
import { errorText } from '../status.js';

/** The login form; calls `done` with the new session (its CSRF token is needed for every write). */
export function renderLogin(main: HTMLElement, done: (s: SessionInfo) => void): void {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'login' },
    field('User name', username),
    field('Password', password),
    h('button', { type: 'submit' }, 'Log in'),
    error,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      done(await post<SessionInfo>('/api/login', { username: username.value, password: password.value }));
    } catch (err) {
      error.textContent = errorText(err);
      password.select();
    }
  });
  fill(main, h('h1', {}, 'Log in to Doorman'), form);
  username.focus();
}
