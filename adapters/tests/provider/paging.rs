//! `list_owned` follows `next_page_uri` to the last page.

use std::collections::BTreeSet;

use switchboard_application::ports::{PurchaseTarget, TelephonyProvider};

use crate::helpers::{area, purchase, spawn_sandbox};

#[tokio::test]
async fn list_owned_follows_next_page_uri_across_pages() {
    let t = spawn_sandbox().await;
    let mut bought = BTreeSet::new();
    for area_code in ["415", "212", "312", "512", "206"] {
        let owned = t
            .client
            .purchase(&purchase(PurchaseTarget::us_local(area(area_code))))
            .await
            .unwrap();
        bought.insert(owned.provider_sid);
    }

    // The sandbox really pages: 2 + 2 + 1, relative next_page_uri under /sandbox, null at the end.
    let (status, first) = t.get_raw("IncomingPhoneNumbers.json?PageSize=2").await;
    assert_eq!(status, 200);
    assert_eq!(first["incoming_phone_numbers"].as_array().unwrap().len(), 2);
    let next = first["next_page_uri"].as_str().unwrap();
    assert!(
        next.starts_with("/sandbox/2010-04-01/Accounts/AC"),
        "{next}"
    );
    let (_, last) = t
        .get_raw("IncomingPhoneNumbers.json?PageSize=2&Page=2")
        .await;
    assert_eq!(last["incoming_phone_numbers"].as_array().unwrap().len(), 1);
    assert!(last["next_page_uri"].is_null());

    let client = t.client.clone().with_page_size(2);
    let listed: BTreeSet<String> = client
        .list_owned()
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.provider_sid)
        .collect();
    assert_eq!(listed, bought);
}
