//! Page numbers of long lists: `?page=N` (1-based) to `LIMIT`/`OFFSET`, fetching one
//! row more than shown to know whether a next page exists without counting.

use serde::Deserialize;

/// Rows per page of the admin pages.
pub const PER_PAGE: u32 = 50;

/// The `page` query parameter.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct PageParam {
    /// 1-based page number.
    #[serde(default = "first")]
    pub page: u32,
}

fn first() -> u32 {
    1
}

/// Limit (one extra row) and offset of `page` with `per_page` rows.
pub fn window(page: u32, per_page: u32) -> (u32, u32) {
    let page = page.max(1);
    (per_page + 1, (page - 1).saturating_mul(per_page))
}

/// Cuts the extra row off; returns whether there was one.
pub fn split<T>(mut rows: Vec<T>, per_page: u32) -> (Vec<T>, bool) {
    let more = rows.len() > per_page as usize;
    rows.truncate(per_page as usize);
    (rows, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_map_to_limit_and_offset() {
        assert_eq!(window(1, 50), (51, 0));
        assert_eq!(window(3, 50), (51, 100));
        assert_eq!(window(0, 50), (51, 0));
        assert_eq!(split(vec![1, 2, 3], 2), (vec![1, 2], true));
        assert_eq!(split(vec![1, 2], 2), (vec![1, 2], false));
    }
}
