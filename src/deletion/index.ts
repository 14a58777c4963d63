import { installDeleter } from '../orm/index.ts';
import { deleteInstance, deleteQuerySet } from './delete.ts';

installDeleter({ deleteQuerySet: (qs, origin) => deleteQuerySet(qs as never, origin), deleteInstance: (i) => deleteInstance(i as never) });

export { deleteQuerySet, deleteInstance };
