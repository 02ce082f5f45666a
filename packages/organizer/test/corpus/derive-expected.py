#!/usr/bin/env python3
"""Derive a first draft of expected.tsv from the date policy (/work/shared/docs/date-policy.md).

Independent of the organizer: it reads the corpus with the pinned exiftool CLI
(`perl <exiftool-vendored.pl>/bin/exiftool -json -G1 -a`, full read, no -fast) and applies the
policy's rules to the grouped tags. It never imports or runs packages/organizer/src.

The draft is NOT the truth: expected.tsv is, after a hand review. Rows listed in HAND below are
written from that review and win over the derivation (the script keeps them as they are and
marks them `hand`). Run it to see where the derivation and the table disagree:

    python3 packages/organizer/test/corpus/derive-expected.py --check   # diff draft vs table
    python3 packages/organizer/test/corpus/derive-expected.py --write   # rewrite derived rows

Environment: PHOTO_ORGANIZER_CORPUS (default ../shared/corpus), EXIFTOOL (default: the pinned
script in node_modules), NOW (ISO instant standing for the upload time; default: now).
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '../../../..'))
CORPUS = os.environ.get('PHOTO_ORGANIZER_CORPUS') or os.path.join(REPO, '../shared/corpus')
TABLE = os.path.join(HERE, 'expected.tsv')
COLUMNS = ['path', 'expected_key', 'date_source', 'deciding_value', 'reviewed', 'note']


def pinned_exiftool() -> str:
    if os.environ.get('EXIFTOOL'):
        return os.environ['EXIFTOOL']
    found = sorted(glob.glob(os.path.join(REPO, 'node_modules/.pnpm/exiftool-vendored.pl@*/node_modules/exiftool-vendored.pl/bin/exiftool')))
    if not found:
        sys.exit('pinned exiftool not found: run pnpm install')
    return found[-1]


def read_corpus() -> list[dict]:
    output = subprocess.run(
        ['perl', pinned_exiftool(), '-json', '-G1', '-a', '-r', 'files'],
        cwd=CORPUS, capture_output=True, check=False, text=True,
    ).stdout
    return json.loads(output)


NOW = dt.datetime.fromisoformat(os.environ['NOW']) if os.environ.get('NOW') else dt.datetime.now(dt.timezone.utc)
FUTURE_LIMIT = NOW + dt.timedelta(days=1)

DATE_PATTERN = re.compile(
    r'^(\d{4})[:-](\d{2})[:-](\d{2})'
    r'(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?'
    r'\s*(Z|[+-]\d{2}:?\d{2})?(?:\s*DST)?$'
)


def parse(value: object):
    """A valid date per the policy, as (wall-clock datetime, offset minutes or None), else None."""
    if not isinstance(value, str):
        return None
    match = DATE_PATTERN.match(value.strip())
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    hour, minute, second = int(match[4] or 0), int(match[5] or 0), int(match[6] or 0)
    try:
        wall = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:  # zero or partly zero, or out of range
        return None
    if year < 1800:
        return None
    if (month, day) == (1, 1) and year in (1904, 1970):
        return None
    if wall == dt.datetime(1980, 1, 1):
        return None
    offset = None
    if match[7]:
        text = match[7]
        offset = 0 if text == 'Z' else (1 if text[0] == '+' else -1) * (int(text[1:3]) * 60 + int(text[-2:]))
    instant = wall - dt.timedelta(minutes=offset or 0)  # no offset: default time zone UTC
    if instant.replace(tzinfo=dt.timezone.utc) > FUTURE_LIMIT:
        return None
    return wall, offset


def file_offset(tags: dict):
    """Offset found in the file for converting UTC dates (rule 4 and 6)."""
    for name in ('ExifIFD:OffsetTimeOriginal', 'ExifIFD:OffsetTime', 'ExifIFD:OffsetTimeDigitized'):
        if isinstance(tags.get(name), str) and re.match(r'^[+-]\d\d:\d\d$', tags[name]):
            text = tags[name]
            return (1 if text[0] == '+' else -1) * (int(text[1:3]) * 60 + int(text[4:6])), name
    for name, value in tags.items():
        if name.endswith(':TimeZone') and isinstance(value, str) and re.match(r'^[+-]\d\d:\d\d$', value):
            return (1 if value[0] == '+' else -1) * (int(value[1:3]) * 60 + int(value[4:6])), name
    for name, value in tags.items():  # an offset on another date (not 'Z', which often only means "normalised to UTC")
        if name.split(':')[0] in ('System', 'File', 'ExifTool'):  # the local file system, not the object
            continue
        if isinstance(value, str) and re.search(r'\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$', value):
            parsed = parse(value)
            if parsed and parsed[1] is not None:
                return parsed[1], name
    return None, None


RULE_1 = ['Composite:SubSecDateTimeOriginal', 'ExifIFD:DateTimeOriginal', 'IFD0:DateTimeOriginal', 'XMP-exif:DateTimeOriginal']
RULE_3 = ['Composite:SubSecCreateDate', 'ExifIFD:CreateDate', 'XMP-xmp:CreateDate', 'XMP-exif:DateTimeDigitized']
RULE_4 = ['QuickTime:CreateDate'] + [f'Track{n}:{tag}' for tag in ('MediaCreateDate', 'TrackCreateDate') for n in range(1, 10)]
# Rule 5: the policy's list, plus every other format-native or maker-note capture date (not EXIF/XMP).
RULE_5 = ['XMP-photoshop:DateCreated', 'Composite:DateTimeCreated', 'IPTC:DateCreated', 'IPTC2:DateCreated', 'PNG:CreationTime',
          'RIFF:DateTimeOriginal', 'RIFF:DateCreated', 'Composite:DateTimeOriginal',
          'CanonRaw:DateTimeOriginal', 'KyoceraRaw:DateTimeOriginal', 'SigmaRaw:DateTimeOriginal',
          'PhaseOne:DateTimeOriginal', 'Lytro:DateTimeOriginal', 'DV:DateTimeOriginal', 'H264:DateTimeOriginal',
          'Info:DateTimeOriginal', 'Casio:DateTimeOriginal', 'Reconyx:DateTimeOriginal', 'FLIR:DateTimeOriginal',
          'PictureInfo:DateTimeOriginal', 'ASF:CreationDate']
RULE_5_UTC = {'Info:DateTimeOriginal', 'ASF:CreationDate', 'Lytro:DateTimeOriginal'}  # UTC by their formats
RULE_6 = ['Composite:GPSDateTime', 'XMP-exif:GPSDateTime']
RULE_7 = ['Composite:SubSecModifyDate', 'IFD0:ModifyDate']

FILE_NAME_PATTERNS = [
    re.compile(r'(?<!\d)((?:18|19|20)\d\d)(\d\d)(\d\d)[_-](\d\d)(\d\d)(\d\d)(?!\d)'),         # IMG_20190405_123456, 20170101_010101
    re.compile(r'(?<!\d)((?:18|19|20)\d\d)(\d\d)(\d\d)-WA\d+'),                              # IMG-20190405-WA0001
    re.compile(r'(?<!\d)((?:18|19|20)\d\d)-(\d\d)-(\d\d)[ _](\d\d)[._-](\d\d)[._-](\d\d)(?!\d)'),  # 2018-04-12 19_24_49, telegram_...
    re.compile(r'(?<!\d)((?:18|19|20)\d\d)-(\d\d)-(\d\d) at (\d\d)\.(\d\d)\.(\d\d)'),           # Screenshot 2019-05-21 at 10.45.52
]


def local_day(wall: dt.datetime, offset_from, to_offset) -> dt.datetime:
    """A UTC wall clock moved to the file's offset (rule 4/6)."""
    del offset_from
    return wall + dt.timedelta(minutes=to_offset or 0)


def decide(tags: dict, name: str):
    """(expected key prefix or '-', date_source, deciding value, why)."""
    mime = tags.get('File:MIMEType', '')
    error = tags.get('ExifTool:Error', '')
    if tags.get('File:FileSize') in (None, 0, '0 bytes') and 'empty' in error:
        return 'undated', 'Undated', '', '0-byte object: nothing to read, filed under undated/'
    if 'Unknown file type' in error or not (mime.startswith('image/') or mime.startswith('video/') or mime == 'application/vnd.adobe.photoshop'):
        return '-', 'Skipped', mime or error, f'not a photo/video (MIMEType {mime or "none"}{", " + error if error else ""})'

    def first_valid(names):
        for tag in names:
            if tag in tags:
                parsed = parse(tags[tag])
                if parsed:
                    return tag, tags[tag], parsed
        return None

    found = first_valid(RULE_1)
    if found:
        return found[2][0].strftime('%Y-%m-%d'), 'DateTimeOriginal', found[1], f'rule 1 {found[0]}'
    for tag, value in tags.items():  # rule 2: a QuickTime date with its own offset
        if tag.split(':')[0] in ('Keys', 'UserData', 'ItemList') and re.search(r'Date', tag):
            parsed = parse(value)
            if parsed and parsed[1] is not None:
                return parsed[0].strftime('%Y-%m-%d'), 'QuickTimeCreationDateWithOffset', value, f'rule 2 {tag}'
    found = first_valid(RULE_3)
    if found:
        return found[2][0].strftime('%Y-%m-%d'), 'CreateDate', found[1], f'rule 3 {found[0]}'
    found = first_valid(RULE_4)
    if found:
        offset, offset_tag = file_offset(tags)
        day = local_day(found[2][0], 0, offset).strftime('%Y-%m-%d')
        return day, 'QuickTimeUTC', found[1], f'rule 4 {found[0]} (UTC) + {offset_tag or "default UTC"} {offset or 0} min'
    found = first_valid(RULE_5)
    if found:
        wall, _ = found[2]
        if found[0] in RULE_5_UTC:
            offset, offset_tag = file_offset(tags)
            wall = local_day(wall, 0, offset)
        return wall.strftime('%Y-%m-%d'), 'OtherCaptureDate', found[1], f'rule 5 {found[0]}'
    found = first_valid(RULE_6)
    if found:
        offset, offset_tag = file_offset(tags)
        day = local_day(found[2][0], 0, offset).strftime('%Y-%m-%d')
        return day, 'GPSDateTime', found[1], f'rule 6 {found[0]} (UTC) + {offset_tag or "default UTC"} {offset or 0} min'
    found = first_valid(RULE_7)
    if found:
        return found[2][0].strftime('%Y-%m-%d'), 'ModifyDate', found[1], f'rule 7 {found[0]}'
    for pattern in FILE_NAME_PATTERNS:
        match = pattern.search(name)
        if match:
            parsed = parse(f'{match[1]}:{match[2]}:{match[3]}')
            if parsed:
                return parsed[0].strftime('%Y-%m-%d'), 'FileName', match[0], 'rule 8 date in file name'
    return 'undated', 'Undated', '', 'rule 9 no valid date'


def derive() -> dict[str, dict]:
    rows = {}
    for tags in read_corpus():
        path = tags['SourceFile']
        name = os.path.basename(path)
        prefix, source, value, why = decide(tags, name)
        rows[path] = {
            'path': path,
            'expected_key': '-' if prefix == '-' else f'{prefix}/{name}',
            'date_source': source,
            'deciding_value': str(value),
            'reviewed': 'derived',
            'note': why,
        }
    return rows


def read_table() -> dict[str, dict]:
    if not os.path.exists(TABLE):
        return {}
    with open(TABLE, newline='') as handle:
        return {row['path']: row for row in csv.DictReader(handle, delimiter='\t')}


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else '--check'
    derived = derive()
    table = read_table()
    with open(os.path.join(CORPUS, 'manifest.tsv'), newline='') as handle:
        order = [row['path'] for row in csv.DictReader(handle, delimiter='\t')]
    if mode == '--check':
        differences = 0
        for path in order:
            draft, kept = derived[path], table.get(path)
            if kept is None or (kept['expected_key'], kept['date_source']) != (draft['expected_key'], draft['date_source']):
                differences += 1
                print(f"{path}\n  table:  {kept and kept['expected_key']} {kept and kept['date_source']} ({kept and kept['reviewed']})\n  draft:  {draft['expected_key']} {draft['date_source']} {draft['deciding_value']!r} [{draft['note']}]")
        print(f'{differences} row(s) where the draft and the table differ (hand rows are expected to, when the review overrode the draft)')
        return
    with open(TABLE, 'w', newline='') as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter='\t', lineterminator='\n')
        writer.writeheader()
        for path in order:
            kept = table.get(path)
            writer.writerow(kept if kept and kept['reviewed'] == 'hand' else derived[path])


if __name__ == '__main__':
    main()
