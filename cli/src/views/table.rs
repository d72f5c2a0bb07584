//! Plain-text tables (comfy-table, no terminal styling: output is often piped or logged).
use comfy_table::{presets::UTF8_BORDERS_ONLY, CellAlignment, ContentArrangement, Table};

/// A table with `header`; every column but the first is right-aligned (numbers).
pub fn render(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    for row in rows {
        table.add_row(row);
    }
    for column in table.column_iter_mut().skip(1) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    table.to_string()
}

/// Label / value lines, labels padded to one width.
pub fn pairs(rows: Vec<(&str, String)>) -> String {
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(label, value)| format!("{label:<width$}  {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_tables() {
        let text = render(
            &["asset", "amount"],
            [
                vec!["USDC".into(), "1,000".into()],
                vec!["SOL".into(), "2.5".into()],
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert!(lines[1].contains("asset") && lines[1].contains("amount"));
        assert!(lines[3].contains("USDC") && lines[3].contains(" 1,000 "));
        assert!(lines[4].contains("SOL") && lines[4].contains("   2.5 "));
        assert_eq!(
            pairs(vec![("a", "1".into()), ("long", "2".into())]),
            "a     1\nlong  2"
        );
    }
}
