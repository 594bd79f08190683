//! Companies and company persons: imports (one transaction each, planned in memory
//! by [`gong_timeline_store::import::plan`], written in many-row upserts) and reads.
//!
//! Companies are keyed by name, case-insensitively (`name_key`); their CRM id is
//! unique in its canonical form (`crm_key`: Salesforce 15- and 18-character forms of
//! one id are one id). A re-import replaces a company's CRM id and fields with the
//! file's. Persons are keyed by email; a re-import updates name and company.

use std::collections::HashMap;

use gong_timeline_store::import::plan::{
    chunks_of_distinct_keys, plan_companies, plan_persons, StoredCompanyKey,
};
use gong_timeline_store::{
    Company, CompanyId, CompanyRow, ImportCounts, Person, PersonRow, Result,
};
use sqlx::QueryBuilder;

use super::dialect::Db;

use super::error::Ctx;
use super::Backend;
use crate::codec::{read_json, to_json};

const COMPANY_COLUMNS: &str = "id, name, crm_account_id, fields";
/// Rows per many-row upsert: far below either database's bind limit (5 binds a row).
const ROWS: usize = 1000;

#[derive(sqlx::FromRow)]
struct CompanyRecord {
    id: i64,
    name: String,
    crm_account_id: Option<String>,
    fields: String,
}

impl CompanyRecord {
    fn into_company(self) -> Result<Company> {
        Ok(Company {
            id: self.id.into(),
            name: self.name,
            crm_account_id: self.crm_account_id,
            fields: read_json("companies.fields", &self.fields)?,
        })
    }
}

pub(crate) async fn import_companies(
    store: &Backend,
    rows: Vec<CompanyRow>,
) -> Result<ImportCounts> {
    const WHAT: &str = "importing companies";
    let mut tx = store.write_tx(WHAT).await?;
    let stored: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT name_key, name, crm_key FROM companies")
            .fetch_all(&mut *tx)
            .await
            .ctx(WHAT)?;
    let stored = stored
        .into_iter()
        .map(|(name_key, name, crm_key)| StoredCompanyKey {
            name_key,
            name,
            crm_key,
        });
    let (planned, counts) = plan_companies(stored, &rows)?;
    let fields = planned
        .iter()
        .map(|p| to_json(&p.row.fields))
        .collect::<Result<Vec<_>>>()?;
    let planned: Vec<_> = planned.into_iter().zip(fields).collect();
    for chunk in chunks_of_distinct_keys(&planned, ROWS, |(p, _)| &p.name_key) {
        let mut q: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO companies (name, name_key, crm_account_id, crm_key, fields) ",
        );
        q.push_values(chunk, |mut b, (p, fields)| {
            b.push_bind(p.row.name.as_str())
                .push_bind(p.name_key.as_str())
                .push_bind(p.row.crm_account_id.as_deref())
                .push_bind(p.crm_key.as_deref())
                .push_bind(fields.as_str());
        });
        q.push(
            " ON CONFLICT(name_key) DO UPDATE SET name = excluded.name, crm_account_id = excluded.crm_account_id, \
             crm_key = excluded.crm_key, fields = excluded.fields",
        );
        q.build().execute(&mut *tx).await.ctx(WHAT)?;
    }
    tx.commit().await.ctx(WHAT)?;
    Ok(counts)
}

pub(crate) async fn import_persons(store: &Backend, rows: Vec<PersonRow>) -> Result<ImportCounts> {
    const WHAT: &str = "importing persons";
    let mut tx = store.write_tx(WHAT).await?;
    let companies: Vec<(String, CompanyId)> = sqlx::query_as("SELECT name_key, id FROM companies")
        .fetch_all(&mut *tx)
        .await
        .ctx(WHAT)?;
    let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM persons")
        .fetch_all(&mut *tx)
        .await
        .ctx(WHAT)?;
    let companies: HashMap<String, CompanyId> = companies.into_iter().collect();
    let (planned, counts) = plan_persons(&companies, emails, &rows)?;
    for chunk in chunks_of_distinct_keys(&planned, ROWS, |p| &p.row.email) {
        let mut q: QueryBuilder<Db> =
            QueryBuilder::new("INSERT INTO persons (email, name, company_id) ");
        q.push_values(chunk, |mut b, p| {
            b.push_bind(p.row.email.as_str())
                .push_bind(p.row.name.as_str())
                .push_bind(p.company_id);
        });
        q.push(
            " ON CONFLICT(email) DO UPDATE SET name = excluded.name, company_id = excluded.company_id",
        );
        q.build().execute(&mut *tx).await.ctx(WHAT)?;
    }
    tx.commit().await.ctx(WHAT)?;
    Ok(counts)
}

pub(crate) async fn list_companies(store: &Backend) -> Result<Vec<Company>> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies ORDER BY name_key");
    let rows: Vec<CompanyRecord> = sqlx::query_as(&sql)
        .fetch_all(&store.pool)
        .await
        .ctx("listing companies")?;
    rows.into_iter().map(CompanyRecord::into_company).collect()
}

pub(crate) async fn get_company(store: &Backend, id: CompanyId) -> Result<Option<Company>> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE id = $1");
    let row: Option<CompanyRecord> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading a company")?;
    row.map(CompanyRecord::into_company).transpose()
}

pub(crate) async fn company_by_name(store: &Backend, name: &str) -> Result<Option<Company>> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE name_key = $1");
    let row: Option<CompanyRecord> = sqlx::query_as(&sql)
        .bind(name.trim().to_lowercase())
        .fetch_optional(&store.pool)
        .await
        .ctx("reading a company")?;
    row.map(CompanyRecord::into_company).transpose()
}

pub(crate) async fn list_persons(store: &Backend) -> Result<Vec<Person>> {
    let rows: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT id, email, name, company_id FROM persons ORDER BY email")
            .fetch_all(&store.pool)
            .await
            .ctx("listing persons")?;
    Ok(rows
        .into_iter()
        .map(|(id, email, name, company_id)| Person {
            id: id.into(),
            email,
            name,
            company_id: company_id.into(),
        })
        .collect())
}
