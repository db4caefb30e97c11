//! Reading a CSV file with a header: columns in any order, names matched without regard
//! to case or surrounding spaces, an unknown or repeated column is a problem, a missing
//! required column is a problem. Rows keep their line number (header = line 1).

use std::collections::BTreeMap;
use std::io::Read;

use super::problem::{Place, Report};

/// The columns a CSV file may have.
pub(crate) struct Columns {
    /// Columns that must be present.
    pub(crate) required: &'static [&'static str],
    /// Columns that may be present.
    pub(crate) optional: &'static [&'static str],
}

/// A CSV reader whose header has been checked.
pub(crate) struct Table<R: Read> {
    reader: csv::Reader<R>,
    /// Column name -> field index.
    index: BTreeMap<&'static str, usize>,
    width: usize,
    record: csv::StringRecord,
}

/// One data row.
pub(crate) struct Row<'a> {
    /// Line of the row's first character (header = line 1).
    pub(crate) line: u64,
    record: &'a csv::StringRecord,
    index: &'a BTreeMap<&'static str, usize>,
    /// Whether the row has as many fields as the header.
    pub(crate) width_ok: bool,
    /// The number of fields the row has.
    pub(crate) fields: usize,
}

impl Row<'_> {
    /// The trimmed value of a column; `None` when the column is absent or the cell empty.
    pub(crate) fn get(&self, column: &str) -> Option<&str> {
        let i = *self.index.get(column)?;
        self.record.get(i).map(str::trim).filter(|v| !v.is_empty())
    }
}

impl<R: Read> Table<R> {
    /// Reads and checks the header; every header problem goes to `report`. Returns `None`
    /// when the header is so broken that no row can be read (unreadable, or a required
    /// column missing).
    pub(crate) fn open(
        input: R,
        file: &str,
        columns: &Columns,
        report: &mut Report,
    ) -> Option<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut header = csv::StringRecord::new();
        match reader.read_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                report.push(
                    file,
                    Place::File,
                    "",
                    "the file is empty: it needs a header line",
                );
                return None;
            }
            Err(e) => {
                report.push(
                    file,
                    Place::Line(1),
                    "",
                    format!("the header cannot be read: {e}"),
                );
                return None;
            }
        }
        let mut index = BTreeMap::new();
        let mut ok = true;
        let known = || columns.required.iter().chain(columns.optional);
        for (i, name) in header.iter().enumerate() {
            let clean = name.trim_start_matches('\u{feff}').trim().to_lowercase();
            match known().find(|k| **k == clean) {
                Some(k) => {
                    if index.insert(*k, i).is_some() {
                        report.push(
                            file,
                            Place::Line(1),
                            format!("column {clean}"),
                            "the column appears twice",
                        );
                        ok = false;
                    }
                }
                None => {
                    let listed: Vec<&str> = known().copied().collect();
                    report.push(
                        file,
                        Place::Line(1),
                        format!("column {}", name.trim()),
                        format!("unknown column (the columns are {})", listed.join(", ")),
                    );
                }
            }
        }
        for k in columns.required {
            if !index.contains_key(k) {
                report.push(
                    file,
                    Place::Line(1),
                    format!("column {k}"),
                    "required column is missing",
                );
                ok = false;
            }
        }
        ok.then_some(Table {
            reader,
            index,
            width: header.len(),
            record: csv::StringRecord::new(),
        })
    }

    /// The next row, or `Err((line, message))` for a row the CSV reader cannot read
    /// (for example invalid UTF-8), or `None` at the end.
    pub(crate) fn next_row(&mut self) -> Option<Result<Row<'_>, (u64, String)>> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                let fields = self.record.len();
                Some(Ok(Row {
                    line,
                    record: &self.record,
                    index: &self.index,
                    width_ok: fields == self.width,
                    fields,
                }))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Some(Err((line, e.to_string())))
            }
        }
    }

    /// Whether the file has this column at all.
    pub(crate) fn has_column(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// Number of columns in the header.
    pub(crate) fn width(&self) -> usize {
        self.width
    }
}
