/** Django's migration cases about models and relations: create, delete, rename, retarget, options. */
import { CASCADE, fields as f, model, SET_NULL } from '../../../src/index.ts';
import type { ModelRegistry } from '../../../src/orm/index.ts';
import type { Scenario } from './scenario.ts';

const name = () => f.char({ maxLength: 20 });

/** `app.Post` with tags (a many-to-many to `app.Tag`), as several cases start. */
function postsAndTags(app: string, r: ModelRegistry, tagModel = 'Tag', options: { renamedFrom?: string } = {}): void {
  model(`${app}.${tagModel}`, { name: name() }, options, r);
  model(`${app}.Post`, { title: name(), tags: f.manyToMany(`${app}.${tagModel}`) }, {}, r);
}

/**
 * `app.Shelf` with books (a many-to-many to `app.Book`) through `placements`' model, which has a
 * key to each side: declared holder first or through model first, as either order is written.
 */
function shelvesThrough(app: string, r: ModelRegistry, { throughFirst = false, placements = app } = {}): void {
  const placement = () => model(`${placements}.Placement`, {
    shelf: f.foreignKey(`${app}.Shelf`, { onDelete: CASCADE }),
    book: f.foreignKey(`${app}.Book`, { onDelete: CASCADE }),
  }, {}, r);
  if (throughFirst) placement();
  model(`${app}.Book`, { title: name() }, {}, r);
  model(`${app}.Shelf`, { code: name(), books: f.manyToMany(`${app}.Book`, { through: `${placements}.Placement` }) }, {}, r);
  if (!throughFirst) placement();
}

/** `app.Person` with friends (a many-to-many to itself) through `app.Friendship`, a key to each end. */
function friendsThrough(app: string, r: ModelRegistry): void {
  model(`${app}.Person`, { name: name(), friends: f.manyToMany('self', { through: `${app}.Friendship` }) }, {}, r);
  model(`${app}.Friendship`, {
    fromPerson: f.foreignKey(`${app}.Person`, { onDelete: CASCADE, relatedName: 'friendshipsFrom' }),
    toPerson: f.foreignKey(`${app}.Person`, { onDelete: CASCADE, relatedName: 'friendshipsTo' }),
  }, {}, r);
}

export const modelScenarios: Scenario[] = [
  {
    name: 'test_rename_model (declared with renamedFrom): the table and the keys to it follow',
    apps: ['ma'],
    before: (r) => {
      model('ma.Author', { name: name() }, {}, r);
      model('ma.Book', { author: f.foreignKey('ma.Author', { onDelete: CASCADE }) }, {}, r);
    },
    rows: { ma_author: [{ id: 1, name: 'Ann' }], ma_book: [{ id: 1, author_id: 1 }] },
    after: (r) => {
      model('ma.Writer', { name: name() }, { renamedFrom: 'Author' }, r);
      model('ma.Book', { author: f.foreignKey('ma.Writer', { onDelete: CASCADE }) }, {}, r);
    },
    operations: ['Rename model ma.Author to ma.Writer'],
    expected: { ma_writer: [{ id: 1, name: 'Ann' }], ma_book: [{ id: 1, author_id: 1 }] },
    back: { ma_author: [{ id: 1, name: 'Ann' }], ma_book: [{ id: 1, author_id: 1 }] },
  },
  {
    name: 'test_rename_model, then a new model takes the old name (renamed first, created after)',
    apps: ['mv'],
    before: (r) => void model('mv.Ant', { name: name() }, {}, r),
    rows: { mv_ant: [{ id: 1, name: 'Ann' }] },
    after: (r) => {
      model('mv.Cat', { name: name() }, { renamedFrom: 'Ant' }, r);
      model('mv.Ant', { rank: f.integer({ default: 0 }) }, {}, r);
    },
    operations: ['Rename model mv.Ant to mv.Cat', 'Create model mv.Ant'],
    expected: { mv_cat: [{ id: 1, name: 'Ann' }], mv_ant: [] },
    back: { mv_ant: [{ id: 1, name: 'Ann' }] },
  },
  {
    name: 'test_rename_model (asked on a terminal)',
    apps: ['mb'],
    before: (r) => void model('mb.Author', { name: name() }, {}, r),
    rows: { mb_author: [{ id: 1, name: 'Ann' }] },
    after: (r) => void model('mb.Writer', { name: name() }, {}, r),
    answers: { rename: true },
    operations: ['Rename model mb.Author to mb.Writer'],
    expected: { mb_writer: [{ id: 1, name: 'Ann' }] },
    back: { mb_author: [{ id: 1, name: 'Ann' }] },
  },
  {
    name: 'test_alter_db_table_with_model_change: renamed and retabled in one migration, rows kept',
    apps: ['mc'],
    before: (r) => void model('mc.Author', { name: name() }, { table: 'mc_author_one' }, r),
    rows: { mc_author_one: [{ id: 1, name: 'Ann' }] },
    after: (r) => void model('mc.Writer', { name: name() }, { table: 'mc_author_two', renamedFrom: 'Author' }, r),
    operations: ['Rename model mc.Author to mc.Writer', 'Rename table for mc.Writer to mc_author_two'],
    expected: { mc_author_two: [{ id: 1, name: 'Ann' }] },
    back: { mc_author_one: [{ id: 1, name: 'Ann' }] },
  },
  {
    name: 'test_alter_db_table_add, with a field added in the same migration',
    apps: ['md'],
    before: (r) => void model('md.Author', { name: name() }, {}, r),
    rows: { md_author: [{ id: 1, name: 'Ann' }] },
    after: (r) => void model('md.Author', { name: name(), age: f.integer({ null: true }) }, { table: 'md_people' }, r),
    operations: ['Rename table for md.Author to md_people', 'Add field age to md.Author'],
    expected: { md_people: [{ id: 1, name: 'Ann', age: null }] },
    back: { md_author: [{ id: 1, name: 'Ann' }] },
  },
  {
    name: 'test_delete_model: a model with a many-to-many goes with its link table',
    apps: ['me'],
    before: (r) => postsAndTags('me', r),
    rows: { me_tag: [{ id: 1, name: 'x' }], me_post: [{ id: 1, title: 'p' }], me_post_tags: [{ id: 1, post_id: 1, tag_id: 1 }] },
    after: (r) => void model('me.Tag', { name: name() }, {}, r),
    operations: ['Delete model me.Post'],
    expected: { me_tag: [{ id: 1, name: 'x' }] },
  },
  {
    name: 'test_remove_field_m2m: the link table goes',
    apps: ['mf'],
    before: (r) => postsAndTags('mf', r),
    rows: { mf_tag: [{ id: 1, name: 'x' }], mf_post: [{ id: 1, title: 'p' }], mf_post_tags: [{ id: 1, post_id: 1, tag_id: 1 }] },
    after: (r) => {
      model('mf.Tag', { name: name() }, {}, r);
      model('mf.Post', { title: name() }, {}, r);
    },
    operations: ['Remove field tags from mf.Post'],
    expected: { mf_post: [{ id: 1, title: 'p' }] },
  },
  {
    name: 'test_rename_m2m_target_model: the link table follows, its links kept',
    apps: ['mg'],
    before: (r) => postsAndTags('mg', r),
    rows: { mg_tag: [{ id: 1, name: 'x' }], mg_post: [{ id: 1, title: 'p' }], mg_post_tags: [{ id: 1, post_id: 1, tag_id: 1 }] },
    after: (r) => postsAndTags('mg', r, 'Label', { renamedFrom: 'Tag' }),
    operations: ['Rename model mg.Tag to mg.Label'],
    expected: { mg_label: [{ id: 1, name: 'x' }], mg_post_tags: [{ id: 1, post_id: 1, label_id: 1 }] },
    back: { mg_post_tags: [{ id: 1, post_id: 1, tag_id: 1 }] },
  },
  {
    name: 'test_add_many_to_many: a link table is made',
    apps: ['mh'],
    before: (r) => {
      model('mh.Tag', { name: name() }, {}, r);
      model('mh.Post', { title: name() }, {}, r);
    },
    rows: { mh_post: [{ id: 1, title: 'p' }] },
    after: (r) => postsAndTags('mh', r),
    operations: ['Add field tags to mh.Post'],
    expected: { mh_post: [{ id: 1, title: 'p' }], mh_post_tags: [] },
  },
  {
    name: 'test_many_to_many_changed_to_concrete_field: removed and added, old rows get the value typed',
    apps: ['mi'],
    before: (r) => postsAndTags('mi', r),
    rows: { mi_tag: [{ id: 1, name: 'x' }], mi_post: [{ id: 1, title: 'p' }], mi_post_tags: [{ id: 1, post_id: 1, tag_id: 1 }] },
    after: (r) => {
      model('mi.Tag', { name: name() }, {}, r);
      model('mi.Post', { title: name(), tags: f.char({ maxLength: 50 }) }, {}, r);
    },
    answers: { fill: 'none' },
    operations: ['Remove field tags from mi.Post', 'Add field tags to mi.Post'],
    expected: { mi_post: [{ id: 1, title: 'p', tags: 'none' }] },
  },
  {
    name: 'test_concrete_field_changed_to_many_to_many',
    apps: ['mj'],
    before: (r) => {
      model('mj.Tag', { name: name() }, {}, r);
      model('mj.Post', { title: name(), tags: f.char({ maxLength: 50, null: true }) }, {}, r);
    },
    rows: { mj_post: [{ id: 1, title: 'p', tags: 'a,b' }] },
    after: (r) => postsAndTags('mj', r),
    operations: ['Remove field tags from mj.Post', 'Add field tags to mj.Post'],
    expected: { mj_post: [{ id: 1, title: 'p' }], mj_post_tags: [] },
  },
  {
    name: 'test_alter_fk_before_model_deletion: a key moved to a new model, the old one deleted',
    apps: ['mk'],
    before: (r) => {
      model('mk.Author', { name: name() }, {}, r);
      model('mk.Book', { owner: f.foreignKey('mk.Author', { onDelete: SET_NULL, null: true }) }, {}, r);
    },
    rows: { mk_author: [{ id: 1, name: 'Ann' }], mk_book: [{ id: 1, owner_id: null }] },
    after: (r) => {
      model('mk.Publisher', { name: name(), city: name() }, {}, r);
      model('mk.Book', { owner: f.foreignKey('mk.Publisher', { onDelete: SET_NULL, null: true }) }, {}, r);
    },
    operations: ['Create model mk.Publisher', 'Alter field owner on mk.Book', 'Delete model mk.Author'],
    expected: { mk_book: [{ id: 1, owner_id: null }] },
  },
  {
    name: 'retargeting a key between two existing models',
    apps: ['ml'],
    before: (r) => {
      model('ml.Author', { name: name() }, {}, r);
      model('ml.Editor', { name: name() }, {}, r);
      model('ml.Book', { person: f.foreignKey('ml.Author', { onDelete: CASCADE }) }, {}, r);
    },
    rows: { ml_author: [{ id: 1, name: 'Ann' }], ml_editor: [{ id: 1, name: 'Ed' }], ml_book: [{ id: 1, person_id: 1 }] },
    after: (r) => {
      model('ml.Author', { name: name() }, {}, r);
      model('ml.Editor', { name: name() }, {}, r);
      model('ml.Book', { person: f.foreignKey('ml.Editor', { onDelete: CASCADE }) }, {}, r);
    },
    operations: ['Alter field person on ml.Book'],
    expected: { ml_book: [{ id: 1, person_id: 1 }] },
    back: { ml_book: [{ id: 1, person_id: 1 }] },
  },
  {
    name: 'test_fk_dependency: a key to a new model',
    apps: ['mm'],
    before: (r) => void model('mm.Book', { title: name() }, {}, r),
    rows: { mm_book: [{ id: 1, title: 'Dune' }] },
    after: (r) => {
      model('mm.Publisher', { name: name() }, {}, r);
      model('mm.Book', { title: name(), publisher: f.foreignKey('mm.Publisher', { onDelete: SET_NULL, null: true }) }, {}, r);
    },
    operations: ['Create model mm.Publisher', 'Add field publisher to mm.Book'],
    expected: { mm_book: [{ id: 1, title: 'Dune', publisher_id: null }] },
    back: { mm_book: [{ id: 1, title: 'Dune' }] },
  },
  {
    name: 'test_circular_fk (one app): one model is created without its key, the key added last',
    apps: ['mn'],
    before: (r) => void model('mn.Marker', { name: name() }, {}, r),
    after: (r) => {
      model('mn.Marker', { name: name() }, {}, r);
      model('mn.Left', { right: f.foreignKey('mn.Right', { onDelete: SET_NULL, null: true }) }, {}, r);
      model('mn.Right', { left: f.foreignKey('mn.Left', { onDelete: CASCADE }) }, {}, r);
    },
    operations: ['Create model mn.Left', 'Create model mn.Right', 'Add field right to mn.Left'],
  },
  {
    name: 'test_add_unique_together, test_add_index, test_add_constraint',
    apps: ['mo'],
    before: (r) => void model('mo.Item', { code: name(), size: f.integer(), rank: f.integer() }, {}, r),
    rows: { mo_item: [{ id: 1, code: 'a', size: 1, rank: 1 }] },
    after: (r) => void model('mo.Item', { code: name(), size: f.integer(), rank: f.integer() }, {
      uniqueTogether: [['code', 'size']],
      indexes: [['rank', 'size']],
      constraints: [{ name: 'mo_size_positive', check: 'size > 0' }, { name: 'mo_code_rank', unique: ['code', 'rank'] }],
    }, r),
    operations: ['Alter unique together for mo.Item (1 constraint)', 'Add constraint mo_size_positive on mo.Item', 'Add constraint mo_code_rank on mo.Item', 'Create index on rank, size of mo.Item'],
    expected: { mo_item: [{ id: 1, code: 'a', size: 1, rank: 1 }] },
    back: { mo_item: [{ id: 1, code: 'a', size: 1, rank: 1 }] },
  },
  {
    name: 'soft delete turned on: the trash columns, unique rules among live rows',
    apps: ['mp'],
    before: (r) => void model('mp.Item', { code: f.char({ maxLength: 10, unique: true }) }, {}, r),
    rows: { mp_item: [{ id: 1, code: 'a' }] },
    after: (r) => void model('mp.Item', { code: f.char({ maxLength: 10, unique: true }) }, { softDelete: true }, r),
    operations: ['Turn on soft delete for mp.Item'],
    back: { mp_item: [{ id: 1, code: 'a' }] },
  },
  {
    name: 'test_alter_id_type_with_fk: the implicit id declared as an integer, the key to it follows',
    apps: ['mq'],
    before: (r) => {
      model('mq.Pony', { name: name() }, {}, r);
      model('mq.Rider', { pony: f.foreignKey('mq.Pony', { onDelete: CASCADE }) }, {}, r);
    },
    rows: { mq_pony: [{ id: 1, name: 'Ann' }], mq_rider: [{ id: 1, pony_id: 1 }] },
    after: (r) => {
      model('mq.Pony', { id: f.integer({ primaryKey: true }), name: name() }, {}, r);
      model('mq.Rider', { pony: f.foreignKey('mq.Pony', { onDelete: CASCADE }) }, {}, r);
    },
    operations: ['Alter field id on mq.Pony'],
    expected: { mq_pony: [{ id: 1, name: 'Ann' }], mq_rider: [{ id: 1, pony_id: 1 }] },
    back: { mq_pony: [{ id: 1, name: 'Ann' }], mq_rider: [{ id: 1, pony_id: 1 }] },
  },
  {
    name: 'test_rename_model_reverse_relation_dependencies: the rename waits for the app pointing at it',
    apps: ['mr', 'ms'],
    before: (r) => {
      model('mr.Author', { name: name() }, {}, r);
      model('ms.Book', { author: f.foreignKey('mr.Author', { onDelete: CASCADE }) }, {}, r);
    },
    rows: { mr_author: [{ id: 1, name: 'Ann' }], ms_book: [{ id: 1, author_id: 1 }] },
    after: (r) => {
      model('mr.Writer', { name: name() }, { renamedFrom: 'Author' }, r);
      model('ms.Book', { author: f.foreignKey('mr.Writer', { onDelete: CASCADE }) }, {}, r);
    },
    operations: ['Rename model mr.Author to mr.Writer'],
    expected: { mr_writer: [{ id: 1, name: 'Ann' }], ms_book: [{ id: 1, author_id: 1 }] },
  },
  {
    name: 'test_circular_fk_dependency (two apps): one app\'s model first, its key in a second migration',
    apps: ['mt', 'mu'],
    before: (r) => void model('mt.Marker', { name: name() }, {}, r),
    after: (r) => {
      model('mt.Marker', { name: name() }, {}, r);
      model('mt.Left', { right: f.foreignKey('mu.Right', { onDelete: SET_NULL, null: true }) }, {}, r);
      model('mu.Right', { left: f.foreignKey('mt.Left', { onDelete: CASCADE }) }, {}, r);
    },
    operations: ['Create model mt.Left', 'Create model mu.Right', 'Add field right to mt.Left'],
  },
  {
    name: 'test_remove_field_before_delete_model (two apps): the delete follows the other app\'s removal of its key',
    apps: ['mw', 'mx'],
    before: (r) => {
      model('mw.Author', { name: name() }, {}, r);
      model('mw.Keep', { name: name() }, {}, r);
      // Nullable: undone, the key comes back empty (a NOT NULL key could not, with rows).
      model('mx.Book', { title: name(), author: f.foreignKey('mw.Author', { onDelete: SET_NULL, null: true }) }, {}, r);
    },
    rows: { mw_author: [{ id: 1, name: 'Ann' }], mx_book: [{ id: 1, title: 'T', author_id: 1 }] },
    after: (r) => {
      model('mw.Keep', { name: name() }, {}, r);
      model('mx.Book', { title: name() }, {}, r);
    },
    operations: ['Remove field author from mx.Book', 'Delete model mw.Author'],
    expected: { mx_book: [{ id: 1, title: 'T' }] },
  },
  {
    name: 'a key of another app moved to a new model, the old model deleted: create, retarget, delete in three migrations',
    apps: ['my', 'mz'],
    before: (r) => {
      model('my.Author', { name: name() }, {}, r);
      model('mz.Book', { title: name(), owner: f.foreignKey('my.Author', { onDelete: SET_NULL, null: true }) }, {}, r);
    },
    rows: { my_author: [{ id: 1, name: 'Ann' }], mz_book: [{ id: 1, title: 'T', owner_id: null }] },
    after: (r) => {
      model('my.Publisher', { name: name() }, {}, r);
      model('mz.Book', { title: name(), owner: f.foreignKey('my.Publisher', { onDelete: SET_NULL, null: true }) }, {}, r);
    },
    operations: ['Create model my.Publisher', 'Alter field owner on mz.Book', 'Delete model my.Author'],
    expected: { mz_book: [{ id: 1, title: 'T', owner_id: null }] },
  },
  {
    name: 'test_alter_field_fk_to_o2o: a key becomes one-to-one (its index becomes unique)',
    apps: ['na'],
    before: (r) => {
      model('na.Person', { name: name() }, {}, r);
      model('na.Profile', { person: f.foreignKey('na.Person', { onDelete: CASCADE }) }, {}, r);
    },
    rows: { na_person: [{ id: 1, name: 'Ann' }], na_profile: [{ id: 1, person_id: 1 }] },
    after: (r) => {
      model('na.Person', { name: name() }, {}, r);
      model('na.Profile', { person: f.oneToOne('na.Person', { onDelete: CASCADE }) }, {}, r);
    },
    operations: ['Alter field person on na.Profile'],
    expected: { na_profile: [{ id: 1, person_id: 1 }] },
    back: { na_profile: [{ id: 1, person_id: 1 }] },
  },
  {
    name: 'test_rename_model_with_fks_in_different_position: a renamed model with a key of its own, pointed at by another and by itself',
    apps: ['nb'],
    before: (r) => {
      model('nb.Publisher', { name: name() }, {}, r);
      model('nb.Author', { name: name(), publisher: f.foreignKey('nb.Publisher', { onDelete: CASCADE }), mentor: f.foreignKey('nb.Author', { onDelete: SET_NULL, null: true }) }, {}, r);
      model('nb.Book', { author: f.foreignKey('nb.Author', { onDelete: CASCADE }) }, {}, r);
    },
    rows: { nb_publisher: [{ id: 1, name: 'P' }], nb_author: [{ id: 1, name: 'Ann', publisher_id: 1, mentor_id: null }, { id: 2, name: 'Bo', publisher_id: 1, mentor_id: 1 }], nb_book: [{ id: 1, author_id: 2 }] },
    after: (r) => {
      model('nb.Publisher', { name: name() }, {}, r);
      model('nb.Writer', { name: name(), publisher: f.foreignKey('nb.Publisher', { onDelete: CASCADE }), mentor: f.foreignKey('nb.Writer', { onDelete: SET_NULL, null: true }) }, { renamedFrom: 'Author' }, r);
      model('nb.Book', { author: f.foreignKey('nb.Writer', { onDelete: CASCADE }) }, {}, r);
    },
    operations: ['Rename model nb.Author to nb.Writer'],
    expected: { nb_writer: [{ id: 1, name: 'Ann', publisher_id: 1, mentor_id: null }, { id: 2, name: 'Bo', publisher_id: 1, mentor_id: 1 }], nb_book: [{ id: 1, author_id: 2 }] },
    back: { nb_author: [{ id: 1, name: 'Ann', publisher_id: 1, mentor_id: null }, { id: 2, name: 'Bo', publisher_id: 1, mentor_id: 1 }], nb_book: [{ id: 1, author_id: 2 }] },
  },  {
    name: 'test_create_with_through_model: a many-to-many through a model of the same migration is added once that model exists',
    apps: ['nc'],
    before: (r) => void model('nc.Marker', { name: name() }, {}, r),
    after: (r) => {
      model('nc.Marker', { name: name() }, {}, r);
      shelvesThrough('nc', r);
    },
    operations: ['Create model nc.Book', 'Create model nc.Shelf', 'Create model nc.Placement', 'Add field books to nc.Shelf'],
  },
  {
    name: 'test_create_with_through_model, the through model declared first: the same operations',
    apps: ['nd'],
    before: (r) => void model('nd.Marker', { name: name() }, {}, r),
    after: (r) => {
      model('nd.Marker', { name: name() }, {}, r);
      shelvesThrough('nd', r, { throughFirst: true });
    },
    operations: ['Create model nd.Book', 'Create model nd.Shelf', 'Create model nd.Placement', 'Add field books to nd.Shelf'],
  },
  {
    name: 'test_create_with_through_model (self-referential): the model, its through model, then the many-to-many to itself',
    apps: ['ne'],
    before: (r) => void model('ne.Marker', { name: name() }, {}, r),
    after: (r) => {
      model('ne.Marker', { name: name() }, {}, r);
      friendsThrough('ne', r);
    },
    operations: ['Create model ne.Person', 'Create model ne.Friendship', 'Add field friends to ne.Person'],
  },
  {
    name: 'test_create_with_through_model (through model of another app): the many-to-many in a second migration, after the other app\'s',
    apps: ['nf', 'ng'],
    before: (r) => void model('nf.Marker', { name: name() }, {}, r),
    after: (r) => {
      model('nf.Marker', { name: name() }, {}, r);
      shelvesThrough('nf', r, { placements: 'ng' });
    },
    operations: ['Create model nf.Book', 'Create model nf.Shelf', 'Create model ng.Placement', 'Add field books to nf.Shelf'],
  },
  {
    name: 'test_remove_through_model: the many-to-many goes first, then the through model, then the models it linked',
    apps: ['nh'],
    before: (r) => {
      model('nh.Marker', { name: name() }, {}, r);
      shelvesThrough('nh', r);
      friendsThrough('nh', r);
    },
    rows: {
      nh_book: [{ id: 1, title: 'T' }], nh_shelf: [{ id: 1, code: 'A' }], nh_placement: [{ id: 1, shelf_id: 1, book_id: 1 }],
      nh_person: [{ id: 1, name: 'Ann' }], nh_friendship: [{ id: 1, from_person_id: 1, to_person_id: 1 }],
    },
    after: (r) => void model('nh.Marker', { name: name() }, {}, r),
    operations: ['Remove field books from nh.Shelf', 'Delete model nh.Placement', 'Delete model nh.Book', 'Delete model nh.Shelf', 'Remove field friends from nh.Person', 'Delete model nh.Friendship', 'Delete model nh.Person'],
    back: { nh_book: [], nh_shelf: [], nh_placement: [], nh_person: [], nh_friendship: [] },
  },  {
    name: 'test_add_many_to_many with a new through model of another app: that app\'s migration first, the field in one after it',
    apps: ['ni', 'nj'],
    before: (r) => {
      model('ni.Book', { title: name() }, {}, r);
      model('ni.Shelf', { code: name() }, {}, r);
    },
    rows: { ni_book: [{ id: 1, title: 'T' }], ni_shelf: [{ id: 1, code: 'A' }] },
    after: (r) => shelvesThrough('ni', r, { placements: 'nj' }),
    operations: ['Create model nj.Placement', 'Add field books to ni.Shelf'],
    expected: { ni_book: [{ id: 1, title: 'T' }], ni_shelf: [{ id: 1, code: 'A' }], nj_placement: [] },
  },  {
    name: 'test_remove_through_model (through model of another app): the field, the other app\'s through model, then the models it linked',
    apps: ['nk', 'nl'],
    before: (r) => {
      model('nk.Marker', { name: name() }, {}, r);
      model('nl.Marker', { name: name() }, {}, r);
      shelvesThrough('nk', r, { placements: 'nl' });
    },
    rows: { nk_book: [{ id: 1, title: 'T' }], nk_shelf: [{ id: 1, code: 'A' }], nl_placement: [{ id: 1, shelf_id: 1, book_id: 1 }] },
    after: (r) => {
      model('nk.Marker', { name: name() }, {}, r);
      model('nl.Marker', { name: name() }, {}, r);
    },
    operations: ['Remove field books from nk.Shelf', 'Delete model nl.Placement', 'Delete model nk.Book', 'Delete model nk.Shelf'],
  },  {
    name: 'test_rename_model_reverse_relation_dependencies, and the app pointing at it gains a key to the new name: rename first, the key after it',
    apps: ['nm', 'nn'],
    before: (r) => {
      model('nm.Author', { name: name() }, {}, r);
      model('nn.Book', { author: f.foreignKey('nm.Author', { onDelete: CASCADE }) }, {}, r);
    },
    rows: { nm_author: [{ id: 1, name: 'Ann' }], nn_book: [{ id: 1, author_id: 1 }] },
    after: (r) => {
      model('nm.Writer', { name: name() }, { renamedFrom: 'Author' }, r);
      model('nn.Book', { author: f.foreignKey('nm.Writer', { onDelete: CASCADE }), editor: f.foreignKey('nm.Writer', { onDelete: SET_NULL, null: true, relatedName: 'edited' }) }, {}, r);
    },
    operations: ['Rename model nm.Author to nm.Writer', 'Add field editor to nn.Book'],
    expected: { nm_writer: [{ id: 1, name: 'Ann' }], nn_book: [{ id: 1, author_id: 1, editor_id: null }] },
  },
];
