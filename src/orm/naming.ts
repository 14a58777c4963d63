/** `createdAt` -> `created_at`: columns follow the database's convention. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** `blog post` -> `Blog post`: a verbose name at the start of a sentence or a heading. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `BlogPost` -> `blogPost`. */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Index and constraint names must fit the shortest limit (PostgreSQL's 63 bytes). */
export function identifier(...parts: string[]): string {
  const name = parts.join('_');
  if (name.length <= 60) return name;
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) >>> 0;
  return `${name.slice(0, 51)}_${hash.toString(36).padStart(7, '0').slice(0, 8)}`;
}
