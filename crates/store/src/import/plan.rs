//! What a companies or persons import will write, decided before writing: the
//! checks that need the stored rows (a CRM id held by another company, a person's
//! company) and the inserted/updated counts, over the rows read once into memory.
//!
//! Rows apply in file order, as if written one by one: a later row with the same
//! key updates the earlier one, and a company may take a CRM id that an earlier row
//! of the file moved away from another. The store writes the planned rows in
//! file order, in many-row statements that never hold one key twice
//! ([`chunks_of_distinct_keys`]), so the database sees the same order.

use std::collections::{HashMap, HashSet};

use gong_timeline_domain::CrmAccountId;

use super::ImportError;
use crate::records::{CompanyId, CompanyRow, ImportCounts, PersonRow, UserId, UserRow};

/// A stored company, as the companies plan needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCompanyKey {
    /// Lowercase name: companies are keyed by it.
    pub name_key: String,
    /// The name as shown.
    pub name: String,
    /// Canonical CRM id, if any.
    pub crm_key: Option<String>,
}

/// One company row to write, with its keys.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCompany<'a> {
    /// The file's row.
    pub row: &'a CompanyRow,
    /// Lowercase name.
    pub name_key: String,
    /// Canonical CRM id (Salesforce 15- and 18-character forms are one).
    pub crm_key: Option<String>,
}

/// One person row to write, with its company resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPerson<'a> {
    /// The file's row.
    pub row: &'a PersonRow,
    /// The stored company the person belongs to.
    pub company_id: CompanyId,
}

/// Decides a companies import against the stored companies; refuses the first row
/// whose CRM id another company holds at that point of the file.
pub fn plan_companies<'a>(
    stored: impl IntoIterator<Item = StoredCompanyKey>,
    rows: &'a [CompanyRow],
) -> Result<(Vec<PlannedCompany<'a>>, ImportCounts), ImportError> {
    let mut by_name: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut crm_holder: HashMap<String, String> = HashMap::new();
    for company in stored {
        if let Some(crm) = &company.crm_key {
            crm_holder.insert(crm.clone(), company.name_key.clone());
        }
        by_name.insert(company.name_key, (company.name, company.crm_key));
    }
    let mut counts = ImportCounts::default();
    let mut planned = Vec::with_capacity(rows.len());
    for row in rows {
        let name_key = row.name.to_lowercase();
        let crm_key = row
            .crm_account_id
            .as_deref()
            .and_then(CrmAccountId::parse)
            .map(|c| c.as_str().to_string());
        if let Some(holder) = crm_key.as_ref().and_then(|k| crm_holder.get(k)) {
            if *holder != name_key {
                return Err(crm_taken(row, &by_name[holder].0));
            }
        }
        let previous = by_name.insert(name_key.clone(), (row.name.clone(), crm_key.clone()));
        match previous {
            Some((_, old_crm)) => {
                counts.updated += 1;
                if let Some(old) = old_crm {
                    crm_holder.remove(&old);
                }
            }
            None => counts.inserted += 1,
        }
        if let Some(crm) = &crm_key {
            crm_holder.insert(crm.clone(), name_key.clone());
        }
        planned.push(PlannedCompany {
            row,
            name_key,
            crm_key,
        });
    }
    Ok((planned, counts))
}

fn crm_taken(row: &CompanyRow, holder: &str) -> ImportError {
    let value = row.crm_account_id.clone().unwrap_or_default();
    ImportError::invalid(
        row.row,
        "crm_account_id",
        &value,
        format!("crm_account_id '{value}' is already the CRM id of company '{holder}'; a CRM account belongs to one company"),
    )
}

/// Decides a persons import: each person's company must be stored (`companies`:
/// lowercase name → id); `stored_emails` are the persons already stored.
pub fn plan_persons<'a>(
    companies: &HashMap<String, CompanyId>,
    stored_emails: impl IntoIterator<Item = String>,
    rows: &'a [PersonRow],
) -> Result<(Vec<PlannedPerson<'a>>, ImportCounts), ImportError> {
    let mut emails: HashSet<String> = stored_emails.into_iter().collect();
    let mut counts = ImportCounts::default();
    let mut planned = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(&company_id) = companies.get(&row.company.to_lowercase()) else {
            return Err(ImportError::unknown_company(row.row, &row.company));
        };
        if emails.insert(row.email.clone()) {
            counts.inserted += 1;
        } else {
            counts.updated += 1;
        }
        planned.push(PlannedPerson { row, company_id });
    }
    Ok((planned, counts))
}

/// A stored user, as the users plan needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUserKey {
    /// The user's id.
    pub id: UserId,
    /// Lowercase email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Whether a sync created it (U6).
    pub created_by_sync: bool,
}

/// What a users import writes: updates of stored users (the last row of each wins)
/// and new users (one per new (email, name), with its last row's values, in the order
/// of first appearance).
#[derive(Debug, Default, PartialEq)]
pub struct UsersPlan<'a> {
    /// Stored users and the row that updates each.
    pub updates: Vec<(UserId, &'a UserRow)>,
    /// Rows that make new users.
    pub inserts: Vec<&'a UserRow>,
    /// Rows that insert and rows that update, as if written one by one.
    pub counts: ImportCounts,
}

/// Decides a users import. Users are keyed by (email, name): a row updates the stored
/// user of its key that was imported before (else the one a sync created, which
/// becomes imported), else it makes a new user; a later row of the file with the same
/// key updates that user.
pub fn plan_users<'a>(
    stored: impl IntoIterator<Item = StoredUserKey>,
    rows: &'a [UserRow],
) -> UsersPlan<'a> {
    let mut existing: HashMap<(String, String), (bool, UserId)> = HashMap::new();
    for user in stored {
        let rank = (user.created_by_sync, user.id);
        existing
            .entry((user.email, user.name))
            .and_modify(|best| *best = (*best).min(rank))
            .or_insert(rank);
    }
    let mut plan = UsersPlan::default();
    let mut update_at: HashMap<UserId, usize> = HashMap::new();
    let mut insert_at: HashMap<(&str, &str), usize> = HashMap::new();
    for row in rows {
        let key = (row.email.clone(), row.name.clone());
        if let Some(&(_, id)) = existing.get(&key) {
            plan.counts.updated += 1;
            match update_at.get(&id) {
                Some(&i) => plan.updates[i].1 = row,
                None => {
                    update_at.insert(id, plan.updates.len());
                    plan.updates.push((id, row));
                }
            }
        } else if let Some(&i) = insert_at.get(&(row.email.as_str(), row.name.as_str())) {
            plan.counts.updated += 1;
            plan.inserts[i] = row;
        } else {
            plan.counts.inserted += 1;
            insert_at.insert((row.email.as_str(), row.name.as_str()), plan.inserts.len());
            plan.inserts.push(row);
        }
    }
    plan
}

/// Splits `items` into runs of at most `max` in order, starting a new run where a
/// key repeats: one many-row upsert may not touch a row twice (PostgreSQL refuses
/// it, and the order of the two writes would be unclear).
pub fn chunks_of_distinct_keys<T>(items: &[T], max: usize, key: impl Fn(&T) -> &str) -> Vec<&[T]> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let k = key(item);
        if i - start == max || seen.contains(k) {
            runs.push(&items[start..i]);
            start = i;
            seen.clear();
        }
        seen.insert(k);
    }
    if start < items.len() {
        runs.push(&items[start..]);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(row: u64, name: &str, crm: Option<&str>) -> CompanyRow {
        CompanyRow {
            row,
            name: name.to_string(),
            crm_account_id: crm.map(str::to_string),
            fields: Default::default(),
        }
    }

    fn stored(name: &str, crm: Option<&str>) -> StoredCompanyKey {
        StoredCompanyKey {
            name_key: name.to_lowercase(),
            name: name.to_string(),
            crm_key: crm.map(|c| CrmAccountId::parse(c).unwrap().as_str().to_string()),
        }
    }

    /// Salesforce ids in their 15-character form.
    const X: &str = "0011x00000AbCdE";
    const Y: &str = "0011x00000AbCdF";

    #[test]
    fn new_and_known_names_count_as_inserted_and_updated_case_insensitively() {
        let rows = [company(2, "Acme", None), company(3, "Globex", None)];
        let (planned, counts) = plan_companies([stored("ACME", None)], &rows).unwrap();
        assert_eq!((counts.inserted, counts.updated), (1, 1));
        assert_eq!(planned[0].name_key, "acme");
    }

    #[test]
    fn a_name_twice_in_the_file_is_one_insert_then_one_update() {
        let rows = [company(2, "Acme", None), company(3, "acme", Some(X))];
        let (_, counts) = plan_companies([], &rows).unwrap();
        assert_eq!((counts.inserted, counts.updated), (1, 1));
    }

    #[test]
    fn a_crm_id_another_company_holds_is_refused_naming_row_and_holder() {
        let rows = [company(2, "Acme", None), company(3, "Globex", Some(X))];
        let err = plan_companies([stored("Initech", Some(X))], &rows).unwrap_err();
        assert_eq!(err.row(), 3);
        assert!(err.to_string().contains("company 'Initech'"), "{err}");
    }

    #[test]
    fn the_18_character_form_of_a_held_id_is_the_same_id() {
        let x18 = CrmAccountId::parse(X).unwrap().as_str().to_string();
        assert_eq!(x18.len(), 18);
        let rows = [company(2, "Globex", Some(&x18))];
        assert!(plan_companies([stored("Initech", Some(X))], &rows).is_err());
    }

    #[test]
    fn a_crm_id_an_earlier_row_moved_away_is_free_for_a_later_row() {
        let rows = [
            company(2, "Initech", Some(Y)),
            company(3, "Globex", Some(X)),
        ];
        let (_, counts) = plan_companies([stored("Initech", Some(X))], &rows).unwrap();
        assert_eq!((counts.inserted, counts.updated), (1, 1));
    }

    #[test]
    fn a_crm_id_is_taken_by_an_earlier_row_of_the_same_file() {
        let rows = [company(2, "Acme", Some(X)), company(3, "Globex", Some(X))];
        let err = plan_companies([], &rows).unwrap_err();
        assert_eq!(err.row(), 3);
        assert!(err.to_string().contains("company 'Acme'"), "{err}");
    }

    #[test]
    fn a_company_keeps_its_own_crm_id_on_reimport() {
        let rows = [company(2, "initech", Some(X))];
        assert!(plan_companies([stored("Initech", Some(X))], &rows).is_ok());
    }

    fn person(row: u64, email: &str, company: &str) -> PersonRow {
        PersonRow {
            row,
            email: email.to_string(),
            name: "P".to_string(),
            company: company.to_string(),
        }
    }

    #[test]
    fn persons_resolve_their_company_by_name_and_count_known_emails_as_updates() {
        let companies = HashMap::from([("acme".to_string(), CompanyId::new(7))]);
        let rows = [
            person(2, "a@x.com", "ACME"),
            person(3, "b@x.com", "Acme"),
            person(4, "b@x.com", "acme"),
        ];
        let (planned, counts) = plan_persons(&companies, ["a@x.com".to_string()], &rows).unwrap();
        assert_eq!((counts.inserted, counts.updated), (1, 2));
        assert!(planned.iter().all(|p| p.company_id == CompanyId::new(7)));
    }

    #[test]
    fn a_person_of_an_unknown_company_is_refused_naming_the_row() {
        let rows = [person(2, "a@x.com", "Acme"), person(3, "b@x.com", "Nope")];
        let companies = HashMap::from([("acme".to_string(), CompanyId::new(7))]);
        let err = plan_persons(&companies, [], &rows).unwrap_err();
        assert_eq!(err.row(), 3);
        assert!(err.to_string().contains("'Nope'"), "{err}");
    }

    fn user(row: u64, email: &str, name: &str, license: &str) -> UserRow {
        UserRow {
            row,
            email: email.into(),
            name: name.into(),
            license_type: license.parse().unwrap(),
            status: "active".parse().unwrap(),
            fields: Default::default(),
        }
    }

    fn stored_user(id: UserId, email: &str, name: &str, by_sync: bool) -> StoredUserKey {
        StoredUserKey {
            id,
            email: email.into(),
            name: name.into(),
            created_by_sync: by_sync,
        }
    }

    #[test]
    fn a_user_row_updates_the_imported_user_of_its_key_before_one_a_sync_created() {
        let stored = [
            stored_user(UserId::new(1), "sam@us.io", "Sam", true),
            stored_user(UserId::new(5), "sam@us.io", "Sam", false),
            stored_user(UserId::new(3), "kim@us.io", "Kim", true),
        ];
        let rows = [
            user(2, "sam@us.io", "Sam", "Full"),
            user(3, "kim@us.io", "Kim", "Viewer"),
        ];
        let plan = plan_users(stored, &rows);
        assert_eq!(
            plan.updates.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            [UserId::new(5), UserId::new(3)]
        );
        assert!(plan.inserts.is_empty());
        assert_eq!((plan.counts.inserted, plan.counts.updated), (0, 2));
    }

    #[test]
    fn a_new_key_twice_in_the_file_is_one_new_user_with_the_last_rows_values() {
        let rows = [
            user(2, "sam@us.io", "Sam", "Full"),
            user(3, "sam@us.io", "Sam Two", "Viewer"),
            user(4, "sam@us.io", "Sam", "Viewer"),
        ];
        let plan = plan_users([], &rows);
        assert_eq!(plan.inserts.len(), 2, "two names, two users (a conflict)");
        assert_eq!(plan.inserts[0].row, 4, "the last row of the key wins");
        assert_eq!(plan.inserts[1].row, 3);
        assert_eq!((plan.counts.inserted, plan.counts.updated), (2, 1));
    }

    #[test]
    fn chunks_hold_each_key_once_and_keep_the_order() {
        let keys = ["a", "b", "a", "c", "d", "e"];
        let runs = chunks_of_distinct_keys(&keys, 3, |k| k);
        assert_eq!(runs, vec![&["a", "b"][..], &["a", "c", "d"], &["e"]]);
        assert!(chunks_of_distinct_keys(&[] as &[&str], 3, |k| k).is_empty());
    }
}
