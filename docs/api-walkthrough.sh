#!/usr/bin/env bash
# The reference visit, built with curl alone: the Kazakh ambassador's first day in
# Khorramabad, from the organizations to the checker's findings and a participant's feed.
#
#   PISHVAZ_URL=http://127.0.0.1:5000 PISHVAZ_TOKEN=pv_... docs/api-walkthrough.sh
#
# Make the token on your profile page (Profile -> API tokens); a planner's token is needed.
# Every call is described on /api/v1/docs. Only curl and python3 (to read ids out of the
# JSON answers) are used.
set -euo pipefail

BASE="${PISHVAZ_URL:-http://127.0.0.1:5000}/api/v1"
TOKEN="${PISHVAZ_TOKEN:?Set PISHVAZ_TOKEN to a personal API token from your profile page}"

# call METHOD PATH [JSON]: the answer's body on stdout; a problem (4xx/5xx) stops the script.
call() {
  curl --silent --show-error --fail-with-body \
    -X "$1" "$BASE$2" \
    -H "Authorization: Bearer $TOKEN" \
    -H "Content-Type: application/json" \
    ${3:+--data "$3"}
}
# field NAME: one field of the JSON answer on stdin.
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

me=$(call GET /me | field id)

embassy=$(call POST /organizations '{"name": "Embassy of the Republic of Kazakhstan in Tehran",
  "kind": "embassy", "country": "KZ", "city": "Tehran"}' | field id)
chamber=$(call POST /organizations '{"name": "Lorestan Chamber of Commerce, Industries, Mines and Agriculture",
  "name_native": "اتاق بازرگانی، صنایع، معادن و کشاورزی لرستان",
  "kind": "chamber_of_commerce", "country": "IR", "city": "Khorramabad"}' | field id)

# Venues, with their opening hours (in the venue's zone) and the drive between them.
chamber_hall=$(call POST /venues "{\"name\": \"Lorestan Chamber of Commerce\", \"kind\": \"office\",
  \"organization_id\": $chamber, \"city\": \"Khorramabad\", \"timezone\": \"Asia/Tehran\",
  \"latitude\": 33.4878, \"longitude\": 48.3558,
  \"opening_hours\": {\"saturday\": [{\"opens\": \"08:00\", \"closes\": \"16:00\"}],
    \"sunday\": [{\"opens\": \"08:00\", \"closes\": \"16:00\"}],
    \"monday\": [{\"opens\": \"08:00\", \"closes\": \"16:00\"}],
    \"tuesday\": [{\"opens\": \"08:00\", \"closes\": \"16:00\"}],
    \"wednesday\": [{\"opens\": \"08:00\", \"closes\": \"16:00\"}]}}" | field id)
castle=$(call POST /venues '{"name": "Falak-ol-Aflak Castle", "kind": "cultural_site",
  "city": "Khorramabad", "timezone": "Asia/Tehran", "latitude": 33.4877, "longitude": 48.3536,
  "opening_hours": {"saturday": [{"opens": "08:00", "closes": "20:00"}],
    "sunday": [{"opens": "08:00", "closes": "20:00"}],
    "monday": [{"opens": "08:00", "closes": "20:00"}],
    "tuesday": [{"opens": "08:00", "closes": "20:00"}],
    "wednesday": [{"opens": "08:00", "closes": "20:00"}],
    "thursday": [{"opens": "08:00", "closes": "20:00"}],
    "friday": [{"opens": "08:00", "closes": "20:00"}]}}' | field id)
call POST "/venues/$chamber_hall/drive-times" "{\"other_venue_id\": $castle, \"minutes\": 10}" >/dev/null

# People, and the visit they take part in.
ambassador=$(call POST /people "{\"full_name_latin\": \"Yerlan Abenov\", \"full_name_native\": \"Ерлан Әбенов\",
  \"honorific\": \"H.E.\", \"position\": \"Ambassador\", \"organization_id\": $embassy,
  \"nationality\": \"KZ\", \"languages\": [\"kk\", \"ru\"]}" | field id)
president=$(call POST /people "{\"full_name_latin\": \"Reza Karimi\", \"full_name_native\": \"رضا کریمی\",
  \"position\": \"President of the chamber\", \"organization_id\": $chamber,
  \"nationality\": \"IR\", \"languages\": [\"fa\"]}" | field id)
interpreter=$(call POST /people '{"full_name_latin": "Aigerim Nurlanova", "nationality": "KZ",
  "languages": ["kk", "ru", "fa"]}' | field id)

visit=$(call POST /visits "{\"title\": \"Visit of the Ambassador of Kazakhstan to Lorestan\",
  \"visiting_country\": \"KZ\", \"visiting_organization_id\": $embassy,
  \"host_organization_id\": $chamber, \"host_region\": \"Lorestan\", \"host_city\": \"Khorramabad\",
  \"start_date\": \"2026-12-15\", \"end_date\": \"2026-12-16\",
  \"timezone\": \"Asia/Tehran\", \"delegation_timezone\": \"Asia/Almaty\"}" | field id)

head=$(call POST "/visits/$visit/participants" "{\"person_id\": $ambassador,
  \"side\": \"delegation\", \"role\": \"head_of_delegation\"}" | field id)
host=$(call POST "/visits/$visit/participants" "{\"person_id\": $president,
  \"side\": \"host\", \"role\": \"host\"}" | field id)
voice=$(call POST "/visits/$visit/participants" "{\"person_id\": $interpreter,
  \"side\": \"support\", \"role\": \"interpreter\", \"interpreting_languages\": [\"kk\", \"fa\"]}" | field id)

# The first day's stops, in Tehran time (+03:30). The castle visit is planted 5 minutes
# after the welcome ends, though the drive takes 10: the checker must say so.
call POST "/visits/$visit/stops" "{\"kind\": \"official_meeting\",
  \"title\": \"Welcome at the Chamber of Commerce\", \"venue_id\": $chamber_hall,
  \"starts_at\": \"2026-12-15T09:00:00+03:30\", \"ends_at\": \"2026-12-15T10:30:00+03:30\",
  \"attendee_ids\": [$head, $host, $voice]}" >/dev/null
call POST "/visits/$visit/stops" "{\"kind\": \"cultural_visit\",
  \"title\": \"Falak-ol-Aflak castle\", \"venue_id\": $castle,
  \"starts_at\": \"2026-12-15T10:35:00+03:30\", \"ends_at\": \"2026-12-15T12:00:00+03:30\",
  \"attendee_ids\": [$head, $host, $voice]}" >/dev/null

echo "Findings of the checker:"
call GET "/visits/$visit/findings" |
  python3 -c 'import json, sys; [print(" -", f["code"] + ":", f["message"]) for f in json.load(sys.stdin)]'

# What came of it, and who follows it up.
twinning=$(call POST /partnerships '{"title": "Khorramabad and Turkistan sister cities",
  "kind": "sister_city", "our_city": "Khorramabad", "our_country": "IR",
  "partner_city": "Turkistan", "partner_country": "KZ",
  "reason": "Proposed by the ambassador during his visit."}' | field id)
outcome=$(call POST /outcomes "{\"visit_id\": $visit, \"kind\": \"sister_city_step\",
  \"summary\": \"Twinning of Khorramabad and Turkistan proposed\", \"day\": \"2026-12-15\",
  \"partnership_id\": $twinning}" | field id)
call POST /follow-ups "{\"title\": \"Send the twinning letter of intent\", \"owner_id\": $me,
  \"due_date\": \"2027-01-15\", \"outcome_id\": $outcome}" >/dev/null

echo "Visit $visit is built. The ambassador's calendar feed:"
call GET "/visits/$visit/participants/$head" | field feed_url
