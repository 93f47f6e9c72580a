// Reads iCalendar files the way a calendar client does, with ical.js (Mozilla's parser,
// the one inside Thunderbird), and applies the RFC 5545 rules clients are strict about.
// Usage: node tests/ics_check.mjs [--json] FILE...
// Exit 0: every file is valid; 1: a problem was found (one a line, or in the JSON report);
// 2: wrong usage. With --json it prints, per file, every event as the client sees it,
// start and end in UTC, for tests/icscheck.py. ical.js comes from the repository's
// node_modules (package.json pins it; `make test` runs `npm ci`).
import fs from "node:fs";
import ICAL from "ical.js";

const STATUS = {
  VEVENT: ["TENTATIVE", "CONFIRMED", "CANCELLED"],
  VTODO: ["NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED"],
};
const CRLF = Buffer.from("\r\n");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

// The octets of each physical line, split at CRLF only: a bare LF or CR stays inside a line.
function physicalLines(bytes) {
  const lines = [];
  let start = 0;
  for (let at = bytes.indexOf(CRLF); at !== -1; at = bytes.indexOf(CRLF, start)) {
    lines.push(bytes.subarray(start, at));
    start = at + 2;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

// What a byte-level reader sees before any parser is kind to the file.
function rawProblems(bytes) {
  const problems = [];
  let text;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    problems.push("not valid UTF-8");
    text = bytes.toString("utf8");
  }
  if (text.charCodeAt(0) === 0xfeff) problems.push("starts with a byte order mark");
  const bare = (text.match(/(?<!\r)\n|\r(?!\n)/g) || []).length;
  if (bare) problems.push(`${bare} line(s) end with a bare LF or CR; lines must end with CRLF`);
  if (!text.endsWith("\r\n")) problems.push("does not end with CRLF");
  const lines = physicalLines(bytes);
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.length > 75) problems.push(`${where}: ${line.length} octets, longer than 75 (fold it)`);
    // Folding between the octets of one character leaves both halves invalid on their own.
    try {
      strictUtf8.decode(line);
    } catch {
      problems.push(`${where}: not valid UTF-8 on its own (a fold splits a character)`);
    }
    if (line.length === 0) problems.push(`${where}: empty line`);
  });
  // Every unfolded content line must start with a property name: an injected CR or LF would
  // start a line that is not one.
  const unfolded = text.replace(/\r\n[ \t]/g, "").split("\r\n");
  unfolded.forEach((line, i) => {
    if (line && !/^[A-Za-z0-9-]+[;:]/.test(line)) {
      problems.push(`content line ${i + 1} does not start with a property name: ${line.slice(0, 40)}`);
    }
  });
  return problems;
}

function utc(time) {
  if (!time) return null;
  return time.isDate ? time.toString() : time.toJSDate().toISOString();
}

function eventItem(comp, where, problems) {
  const item = {};
  const dtstart = comp.getFirstProperty("dtstart");
  if (!dtstart) {
    problems.push(`${where}: DTSTART missing`);
    return item;
  }
  const event = new ICAL.Event(comp);
  const start = event.startDate;
  const end = event.endDate;
  if (!start.isDate && start.zone === ICAL.Timezone.localTimezone) {
    problems.push(`${where}: DTSTART is floating (no UTC and no TZID)`);
  }
  if (comp.hasProperty("dtend") && end.compare(start) <= 0) {
    problems.push(`${where}: DTEND is not after DTSTART`);
  }
  item.all_day = start.isDate;
  item.tzid = dtstart.getParameter("tzid") || (start.zone && start.zone.tzid) || null;
  item.start_utc = utc(start);
  item.end_utc = utc(end);
  // The wall-clock time as written in the file, in its TZID.
  item.start_local = dtstart.getFirstValue().toString();
  item.description = comp.getFirstPropertyValue("description");
  item.location = comp.getFirstPropertyValue("location");
  item.url = comp.getFirstPropertyValue("url");
  const geo = comp.getFirstPropertyValue("geo");
  item.geo = geo ? geo.map(Number) : null;
  item.categories = comp.getAllProperties("categories").flatMap((p) => p.getValues());
  const organizer = comp.getFirstProperty("organizer");
  item.organizer = organizer
    ? { address: organizer.getFirstValue(), cn: organizer.getParameter("cn") || null }
    : null;
  item.attendees = comp.getAllProperties("attendee").map((a) => a.getFirstValue());
  item.transp = comp.getFirstPropertyValue("transp");
  // Reminders, as RFC 5545 3.6.6 requires them: ACTION and TRIGGER, and a DISPLAY's text.
  item.alarms = comp.getAllSubcomponents("valarm").map((alarm, n) => {
    const action = alarm.getFirstPropertyValue("action");
    const trigger = alarm.getFirstProperty("trigger");
    const description = alarm.getFirstPropertyValue("description");
    if (!action) problems.push(`${where}: VALARM ${n + 1} without ACTION`);
    if (!trigger) problems.push(`${where}: VALARM ${n + 1} without TRIGGER`);
    if (action === "DISPLAY" && !description) {
      problems.push(`${where}: DISPLAY VALARM ${n + 1} without DESCRIPTION`);
    }
    const value = trigger ? trigger.getFirstValue() : null;
    return {
      action,
      description,
      // A duration is relative (to the start unless RELATED=END); a date-time is absolute.
      trigger: value && value.icaltype === "duration" ? value.toString() : null,
      trigger_seconds: value && value.icaltype === "duration" ? value.toSeconds() : null,
      related: trigger ? trigger.getParameter("related") || "START" : null,
    };
  });
  // RFC 7986 5.11: a link to join, VALUE=URI.
  item.conferences = comp.getAllProperties("conference").map((conference) => {
    if ((conference.getParameter("value") || "").toUpperCase() !== "URI" && conference.type !== "uri") {
      problems.push(`${where}: CONFERENCE without VALUE=URI`);
    }
    const feature = conference.getParameter("feature");
    return {
      uri: conference.getFirstValue(),
      feature: (Array.isArray(feature) ? feature : feature ? [feature] : []).flatMap((f) => f.split(",")),
      label: conference.getParameter("label") || null,
    };
  });
  const lastModified = comp.getFirstPropertyValue("last-modified");
  item.last_modified = lastModified ? utc(lastModified) : null;
  return item;
}

function checkFile(path) {
  const bytes = fs.readFileSync(path);
  const problems = rawProblems(bytes);
  let cal;
  try {
    cal = new ICAL.Component(ICAL.parse(bytes.toString("utf8")));
  } catch (e) {
    return { problems: [...problems, `ical.js cannot parse it: ${e.message}`], items: [] };
  }
  if (cal.name !== "vcalendar") problems.push("top component is not VCALENDAR");
  if (cal.getFirstPropertyValue("version") !== "2.0") problems.push("VERSION:2.0 missing");
  if (!cal.getFirstPropertyValue("prodid")) problems.push("PRODID missing");

  // Zones come from this file only, never from a file read before it.
  ICAL.TimezoneService.reset();
  const zones = new Set();
  for (const vtz of cal.getAllSubcomponents("vtimezone")) {
    const tz = new ICAL.Timezone(vtz);
    if (!tz.tzid) problems.push("VTIMEZONE without TZID");
    zones.add(tz.tzid);
    ICAL.TimezoneService.register(tz, tz.tzid);
  }
  const calendarZone = cal.getFirstPropertyValue("x-wr-timezone");

  const items = [];
  const seen = new Set();
  for (const kind of ["VEVENT", "VTODO"]) {
    for (const comp of cal.getAllSubcomponents(kind.toLowerCase())) {
      const uid = comp.getFirstPropertyValue("uid");
      const where = `${kind} ${uid || "(no UID)"}`;
      if (!uid) problems.push(`${where}: UID missing`);
      if (!comp.getFirstPropertyValue("dtstamp")) problems.push(`${where}: DTSTAMP missing`);
      const rid = comp.getFirstPropertyValue("recurrence-id");
      const key = `${uid}|${rid ? rid.toString() : ""}`;
      if (seen.has(key)) problems.push(`${where}: UID used twice`);
      seen.add(key);
      for (const prop of comp.getAllProperties()) {
        const tzid = prop.getParameter("tzid");
        if (tzid && !zones.has(tzid)) {
          problems.push(`${where}: ${prop.name.toUpperCase()} names TZID ${tzid} with no VTIMEZONE in the file`);
        }
      }
      for (const name of ["summary", "status", "sequence", "dtstart", "dtend", "uid"]) {
        if (comp.getAllProperties(name).length > 1) problems.push(`${where}: ${name.toUpperCase()} given twice`);
      }
      const status = comp.getFirstPropertyValue("status");
      if (status && !STATUS[kind].includes(status)) problems.push(`${where}: STATUS ${status} is not allowed`);
      const seq = comp.getFirstPropertyValue("sequence");
      if (seq !== null && !(Number.isInteger(seq) && seq >= 0)) {
        problems.push(`${where}: SEQUENCE is not a non-negative integer`);
      }
      const item = {
        kind,
        uid,
        summary: comp.getFirstPropertyValue("summary"),
        status,
        sequence: seq ?? 0,
      };
      if (kind === "VEVENT") Object.assign(item, eventItem(comp, where, problems));
      items.push(item);
    }
  }
  const refresh = cal.getFirstPropertyValue("refresh-interval");
  return {
    method: cal.getFirstPropertyValue("method"),
    calname: cal.getFirstPropertyValue("x-wr-calname"),
    name: cal.getFirstPropertyValue("name"),
    color: cal.getFirstPropertyValue("color"),
    timezone: calendarZone,
    refresh_interval: refresh ? refresh.toString() : null,
    published_ttl: cal.getFirstPropertyValue("x-published-ttl"),
    problems,
    items,
  };
}

const args = process.argv.slice(2);
const json = args[0] === "--json";
const files = json ? args.slice(1) : args;
if (files.length === 0) {
  console.error("usage: node tests/ics_check.mjs [--json] FILE...");
  process.exit(2);
}
let bad = false;
const report = {};
for (const file of files) {
  let result;
  try {
    result = checkFile(file);
  } catch (e) {
    result = { problems: [`cannot check: ${e.message}`], items: [] };
  }
  report[file] = result;
  if (result.problems.length) bad = true;
  if (!json) {
    for (const problem of result.problems) console.log(`${file}: ${problem}`);
    if (!result.problems.length) console.log(`${file}: ok, ${result.items.length} item(s)`);
  }
}
if (json) console.log(JSON.stringify(report, null, 1));
// Not process.exit(): it would cut off a long report still on its way down a pipe.
process.exitCode = bad ? 1 : 0;
