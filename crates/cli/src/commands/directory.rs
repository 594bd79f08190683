//! `companies list` and `persons list`.

use std::collections::HashMap;
use std::sync::Arc;

use gong_timeline_store::{CompanyId, PersonId, Store};
use gong_timeline_sync::views::CompanyView;
use serde::Serialize;

use crate::args::ListOnly;
use crate::output::{print_list, TableRow};

/// `companies list`.
pub async fn companies(store: &Arc<dyn Store>, ListOnly::List(f): ListOnly) -> anyhow::Result<()> {
    let rows: Vec<CompanyView> = store
        .list_companies()
        .await?
        .into_iter()
        .map(CompanyView::from)
        .collect();
    print_list(&rows, f.format)
}

/// `persons list`.
pub async fn persons(store: &Arc<dyn Store>, ListOnly::List(f): ListOnly) -> anyhow::Result<()> {
    let names: HashMap<CompanyId, String> = store
        .list_companies()
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let rows: Vec<PersonRow> = store
        .list_persons()
        .await?
        .into_iter()
        .map(|p| PersonRow {
            id: p.id,
            email: p.email,
            name: p.name,
            company_id: p.company_id,
            company: names.get(&p.company_id).cloned().unwrap_or_default(),
        })
        .collect();
    print_list(&rows, f.format)
}

impl TableRow for CompanyView {
    fn headers() -> Vec<&'static str> {
        vec!["id", "name", "crm_account_id", "fields"]
    }
    fn cells(&self) -> Vec<String> {
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.crm_account_id.clone().unwrap_or_default(),
            fields.join(", "),
        ]
    }
}

#[derive(Serialize)]
struct PersonRow {
    id: PersonId,
    email: String,
    name: String,
    company_id: CompanyId,
    company: String,
}

impl TableRow for PersonRow {
    fn headers() -> Vec<&'static str> {
        vec!["id", "email", "name", "company"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.name.clone(),
            self.company.clone(),
        ]
    }
}
