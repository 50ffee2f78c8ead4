// What import-form does with each form of test/fixtures/xlsforms (see its README).
/** Forms refused as they are, with every message (sheet, row or line, column). */
export const REFUSED: Record<string, string[]> = {
  'correlaid_all_types.xlsx': [
    'correlaid_all_types.xlsx: survey, row 7, column type (A): type "calculate" is not supported in a chat (calculations)',
    'correlaid_all_types.xlsx: survey, row 8, column type (A): type "hidden" is not supported in a chat (hidden values)',
    'correlaid_all_types.xlsx: survey, row 18, column type (A): type "time" is not supported in a chat (times of day)',
    'correlaid_all_types.xlsx: survey, row 19, column type (A): type "datetime" is not supported in a chat (date and time answers)',
  ],
  'correlaid_mitwirken.xlsx': [
    'correlaid_mitwirken.xlsx: survey, row 28, column relevant (G): condition uses "other", not an option of "teilhabe_gruppen"',
  ],
  'correlaid_testB.xlsx': [
    'correlaid_testB.xlsx: survey, row 12, column type (A): type "calculate" is not supported in a chat (calculations)',
    'correlaid_testB.xlsx: survey, row 13, column type (A): type "calculate" is not supported in a chat (calculations)',
    'correlaid_testB.xlsx: survey, row 14, column type (A): type "calculate" is not supported in a chat (calculations)',
    'correlaid_testB.xlsx: survey, row 65, column type (A): the choice list "mj8ty33" has 1 choice(s); a question needs at least 2',
  ],
  'lykmapipo_duplicate_name.xlsx': [
    'lykmapipo_duplicate_name.xlsx: survey, row 4, column name (B): duplicate name "name" (also row 3): a chat keeps one answer per name',
    'lykmapipo_duplicate_name.xlsx: survey, row 5, column type (A): type "image" is not supported in a chat (media)',
    'lykmapipo_duplicate_name.xlsx: survey, row 7, column type (A): type "geopoint" is not supported in a chat (locations)',
  ],
  'lykmapipo_no_settings.xlsx': [
    'lykmapipo_no_settings.xlsx: survey, row 15, column type (A): repeats are not supported: a chat asks each question once',
    'lykmapipo_no_settings.xlsx: survey, row 21, column media::image (G): media in a question (column media::image) cannot be shown in a chat',
  ],
  'odk_offline_error.xlsx': [
    'odk_offline_error.xlsx: survey, row 2, column type (A): type "textx" is not a question type the chat knows',
  ],
  'pyodk_fav_color.xlsx': [
    'pyodk_fav_color.xlsx: survey, row 6, column type (A): type "geopoint" is not supported in a chat (locations)',
  ],
  'pyodk_simple_repeat.xlsx': [
    'pyodk_simple_repeat.xlsx: survey, row 6, column type (A): repeats are not supported: a chat asks each question once',
  ],
  'pyxform_case_insensitivity.md': [
    'pyxform_case_insensitivity.md: SURVEY, line 4, column type: type "select_one_external c1" is not supported in a chat (choices from a file)',
    'pyxform_case_insensitivity.md: SURVEY, line 5, column type: type "osm c1" is not a question type the chat knows',
  ],
  'pyxform_loop.md': [
    'pyxform_loop.md: survey, line 4, column type: repeats are not supported: a chat asks each question once',
  ],
  'pyxform_or_other.xlsx': [
    'pyxform_or_other.xlsx: survey, row 3, column choice_filter (D): the choice filter reads "yes", which is not a column of the choices sheet',
  ],
  'pyxform_spec_test.xlsx': [
    'pyxform_spec_test.xlsx: survey, row 9, column image (S): media in a question (column image) cannot be shown in a chat',
    'pyxform_spec_test.xlsx: survey, row 10, column image (S): media in a question (column image) cannot be shown in a chat',
    'pyxform_spec_test.xlsx: survey, row 15, column type (A): repeats are not supported: a chat asks each question once',
    'pyxform_spec_test.xlsx: survey, row 32, column type (A): type "time" is not supported in a chat (times of day)',
    'pyxform_spec_test.xlsx: survey, row 33, column type (A): type "datetime" is not supported in a chat (date and time answers)',
    'pyxform_spec_test.xlsx: survey, row 34, column type (A): type "geopoint" is not supported in a chat (locations)',
    'pyxform_spec_test.xlsx: survey, row 35, column type (A): type "barcode" is not supported in a chat (barcodes)',
    'pyxform_spec_test.xlsx: survey, row 36, column type (A): type "image" is not supported in a chat (media)',
    'pyxform_spec_test.xlsx: survey, row 37, column type (A): type "audio" is not supported in a chat (media)',
    'pyxform_spec_test.xlsx: survey, row 38, column type (A): type "video" is not supported in a chat (media)',
    'pyxform_spec_test.xlsx: survey, row 40, column type (A): type "calculate" is not supported in a chat (calculations)',
  ],
  'wq_repeat.csv': [
    'wq_repeat.csv: survey, line 4, column type: repeats are not supported: a chat asks each question once',
    'wq_repeat.csv: survey, line 9, column name: duplicate name "name" (also line 3): a chat keeps one answer per name',
    'wq_repeat.csv: survey, line 12, column type: repeats are not supported: a chat asks each question once',
  ],
  'wq_select.csv': [
    'wq_select.csv: survey, line 6, column constraint: the function wq:ForeignKey() is not supported at character 1',
  ],
};

/** Forms refused even with --skip-unsupported: what is wrong is not an unsupported question. */
export const REFUSED_WITH_SKIP: Record<string, string[]> = {
  'correlaid_mitwirken.xlsx': [
    'correlaid_mitwirken.xlsx: survey, row 28, column relevant (G): condition uses "other", not an option of "teilhabe_gruppen"',
  ],
  'correlaid_testB.xlsx': [
    'correlaid_testB.xlsx: survey, row 65, column type (A): the choice list "mj8ty33" has 1 choice(s); a question needs at least 2',
  ],
  'lykmapipo_duplicate_name.xlsx': [
    'lykmapipo_duplicate_name.xlsx: survey, row 4, column name (B): duplicate name "name" (also row 3): a chat keeps one answer per name',
  ],
  'pyxform_or_other.xlsx': [
    'pyxform_or_other.xlsx: survey, row 3, column choice_filter (D): the choice filter reads "yes", which is not a column of the choices sheet',
  ],
  'pyxform_spec_test.xlsx': [
    'pyxform_spec_test.xlsx: survey: no language has every text: 1 missing in en (address.hint)',
    'pyxform_spec_test.xlsx: survey: no language has every text: 22 missing in zh (skip_to_end.text, my_name.text, invalid_variable.text, invalid_variable.hint, email_note.text, …)',
  ],
  'wq_repeat.csv': [
    'wq_repeat.csv: survey, line 9, column name: duplicate name "name" (also line 3): a chat keeps one answer per name',
  ],
  'wq_select.csv': [
    'wq_select.csv: survey, line 6, column constraint: the function wq:ForeignKey() is not supported at character 1',
  ],
};

/** Forms that import (with --skip-unsupported where `skip`), and the flow id they get. */
export const IMPORTED: { file: string; skip: boolean; id: string }[] = [
  {
    file: 'correlaid_all_types.xlsx',
    skip: true,
    id: 'all_types',
  },
  {
    file: 'lykmapipo_no_settings.xlsx',
    skip: true,
    id: 'lykmapipo_no_settings',
  },
  {
    file: 'odk_offline_clean.xlsx',
    skip: false,
    id: 'odk_offline_clean',
  },
  {
    file: 'odk_offline_error.xlsx',
    skip: true,
    id: 'odk_offline_error',
  },
  {
    file: 'pyodk_fav_color.xlsx',
    skip: true,
    id: 'fav_color',
  },
  {
    file: 'pyodk_simple_repeat.xlsx',
    skip: true,
    id: 'simple_repeat',
  },
  {
    file: 'pyxform_case_insensitivity.md',
    skip: true,
    id: 'yesno',
  },
  {
    file: 'pyxform_choice_filter.xlsx',
    skip: false,
    id: 'cascading_selects1',
  },
  {
    file: 'pyxform_group.md',
    skip: false,
    id: 'pyxform_group',
  },
  {
    file: 'pyxform_loop.md',
    skip: true,
    id: 'pyxform_loop',
  },
  {
    file: 'pyxform_specify_other.md',
    skip: false,
    id: 'pyxform_specify_other',
  },
  {
    file: 'pyxform_text_and_integer.csv',
    skip: false,
    id: 'pyxform_text_and_integer',
  },
  {
    file: 'pyxform_yes_or_no.md',
    skip: false,
    id: 'pyxform_yes_or_no',
  },
];
