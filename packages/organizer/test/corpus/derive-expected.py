#!/usr/bin/env python3
"""Derive a first draft of expected.tsv from the date policy v2 (/work/shared/docs/date-policy.md).

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


# v2: dates written by clocks never set (the policy's default list).
FIRMWARE_DEFAULTS = {dt.datetime(*parts) for parts in [
    (2000, 1, 1), (2001, 1, 1), (2002, 12, 8, 12), (2004, 1, 1), (2005, 1, 1), (2010, 1, 1), (2012, 1, 1), (2014, 1, 1)]}


def parse(value: object):
    """A valid date per the policy, as (wall-clock datetime, offset minutes or None), else None."""
    if not isinstance(value, str):
        return None
    match = DATE_PATTERN.match(value.strip())
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    hour, minute, second = int(match[4] or 0), int(match[5] or 0), int(match[6] or 0)
    hour = 0 if hour == 24 else hour        # v2 repair: midnight written as 24, same day
    second = 59 if second == 60 else second  # v2 repair
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
    if wall in FIRMWARE_DEFAULTS:
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
        if re.match(r'^(QuickTime|Track\d+):(Create|Modify|MediaCreate|MediaModify|TrackCreate|TrackModify)Date$', name):
            continue  # integer header dates: an offset there is exiftool's machine zone (CR3), not the file's
        if isinstance(value, str) and re.search(r'\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$', value):
            parsed = parse(value)
            if parsed and parsed[1] is not None:
                return parsed[1], name
    return None, None


RULE_1 = ['Composite:SubSecDateTimeOriginal', 'ExifIFD:DateTimeOriginal', 'IFD0:DateTimeOriginal', 'XMP-exif:DateTimeOriginal']
# v2: camera maker blocks inside videos (exiftool -G1 group = the maker module).
VIDEO_MAKER_GROUPS = ['Nikon', 'Canon', 'Sony', 'Panasonic', 'FujiFilm', 'Olympus', 'Pentax', 'Ricoh', 'Samsung', 'Sanyo',
                      'Kodak', 'Minolta', 'Casio', 'GoPro', 'Leica', 'JVC', 'Sigma', 'DJI', 'Kandao', 'Insta360']
SCAN_DATE_CREATED = ['Composite:DateTimeCreated', 'IPTC:DateCreated', 'IPTC2:DateCreated', 'XMP-photoshop:DateCreated']
RULE_3 = SCAN_DATE_CREATED + ['XMP-iptcCore:DateCreated', 'XMP-iptcExt:DateCreated']
RULE_4 = ['Composite:SubSecCreateDate', 'ExifIFD:CreateDate', 'XMP-xmp:CreateDate', 'XMP-exif:DateTimeDigitized']
RULE_5 = ['QuickTime:CreateDate'] + [f'Track{n}:{tag}' for tag in ('MediaCreateDate', 'TrackCreateDate') for n in range(1, 10)]
RULE_5_MATROSKA = ['Info:DateTimeOriginal']
# v2: makers whose QuickTime dates are the camera clock (the organizer's default list, from evidence).
LOCAL_CLOCK_MAKERS = ['nikon', 'gopro']
# Rule 6: the policy's list, plus every other format-native or maker-note capture date (not EXIF/XMP).
RULE_6 = ['PNG:CreationTime', 'RIFF:DateTimeOriginal', 'RIFF:DateCreated', 'Composite:DateTimeOriginal',
          'CanonRaw:DateTimeOriginal', 'KyoceraRaw:DateTimeOriginal', 'SigmaRaw:DateTimeOriginal',
          'PhaseOne:DateTimeOriginal', 'Lytro:DateTimeOriginal', 'DV:DateTimeOriginal', 'H264:DateTimeOriginal',
          'Casio:DateTimeOriginal', 'Reconyx:DateTimeOriginal', 'FLIR:DateTimeOriginal',
          'PictureInfo:DateTimeOriginal', 'ASF:CreationDate']
RULE_6_UTC = {'ASF:CreationDate', 'Lytro:DateTimeOriginal'}  # UTC by their formats
RULE_7 = ['Composite:GPSDateTime', 'XMP-exif:GPSDateTime']
RULE_8 = ['Composite:SubSecModifyDate', 'IFD0:ModifyDate', 'XMP-xmp:ModifyDate', 'XMP-tiff:DateTime', 'PNG:ModifyDate']

# (pattern, clock) in the policy's order; groups are year, month, day, hour, minute, second[, AM/PM]
FILE_NAME_DATE_TIMES = [
    (re.compile(r'(?<![A-Za-z0-9])PXL_(\d{4})(\d\d)(\d\d)_(\d\d)(\d\d)(\d\d)'), 'utc'),                        # Pixel: UTC
    (re.compile(r'(?<!\d)(\d{4})-(\d\d)-(\d\d)(?: at|,)?[ _](\d{1,2})[.:_ ](\d\d)[.:_ ](\d\d)[\s\u00a0\u202f]?([AaPp])\.?[Mm]'), '12h'),
    (re.compile(r'signal-(\d{4})-(\d\d)-(\d\d)-(\d\d)-?(\d\d)-?(\d\d)(?!\d)', re.I), 'local'),
    (re.compile(r'(?<!\d)(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?!\d)'), 'local'),                                   # 14 digits
    (re.compile(r'(?<!\d)((?:18|19|20)\d\d)(\d\d)(\d\d)[_-](\d\d)(\d\d)(\d\d)(?!\d)'), 'local'),                    # IMG_20190405_123456
    (re.compile(r'(?<!\d)((?:18|19|20)\d\d)-(\d\d)-(\d\d)[ _](\d\d)[._-](\d\d)[._-](\d\d)(?!\d)'), 'local'),      # 2018-04-12 19_24_49
    (re.compile(r'(?<!\d)((?:18|19|20)\d\d)-(\d\d)-(\d\d) at (\d\d?)\.(\d\d)\.(\d\d)'), 'local'),                  # Screenshot ... at 10.45.52
]
FILE_NAME_EPOCH_MS = re.compile(r'(?:^|[\s_.\-]|mmexport)(\d{13})(?=$|[\s_.\-()])', re.I)
FILE_NAME_DAYS = [
    re.compile(r'(?<!\d)((?:18|19|20)\d\d)(\d\d)(\d\d)-WA\d+'),                                                    # IMG-20190405-WA0001
]


def name_date(name: str):
    """(wall clock, 'local'|'utc', has_time, matched text) from the file name, or None."""
    for pattern, clock in FILE_NAME_DATE_TIMES:
        match = pattern.search(name)
        if not match:
            continue
        year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
        if clock == '12h':
            if not 1 <= hour <= 12:
                break
            hour = hour % 12 + (12 if match[7].lower() == 'p' else 0)
            clock = 'local'
        try:
            wall = dt.datetime(year, month, day, hour, minute, second)
        except ValueError:
            continue
        if 1900 <= year <= 2100:
            return wall, clock, True, match[0]
    match = FILE_NAME_EPOCH_MS.search(name)
    if match:
        instant = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=int(match[1]))
        if instant >= dt.datetime(2000, 1, 1):
            return instant, 'utc', True, match[1]
    for pattern in FILE_NAME_DAYS:
        match = pattern.search(name)
        if match:
            try:
                return dt.datetime(int(match[1]), int(match[2]), int(match[3])), 'local', False, match[0]
            except ValueError:
                pass
    return None


def name_offset(utc: dt.datetime, name: str):
    """v2: the offset a local date-time in the name implies for a UTC value (quarter hours, +-14 h, +-2 min)."""
    found = name_date(name)
    if not found or found[1] != 'local' or not found[2]:
        return None
    difference = (found[0] - utc).total_seconds()
    quarters = round(difference / 900)
    if abs(quarters * 900) > 14 * 3600 or abs(difference - quarters * 900) > 120:
        return None
    return quarters * 15


def to_local(utc: dt.datetime, tags: dict, name: str):
    """A UTC wall clock made local: the file's offset, else the name's, else UTC. (local, how)."""
    offset, offset_tag = file_offset(tags)
    if offset is not None:
        return utc + dt.timedelta(minutes=offset), f'{offset_tag} {offset} min'
    offset = name_offset(utc, name)
    if offset is not None:
        return utc + dt.timedelta(minutes=offset), f'offset {offset} min implied by the name'
    return utc, 'default UTC'


def iptc_value(tags: dict, tag: str):
    """IPTC DateCreated joined with its TimeCreated, as the policy reads it."""
    group = tag.split(':')[0]
    if group.startswith('IPTC') and tag.endswith(':DateCreated') and isinstance(tags.get(f'{group}:TimeCreated'), str):
        return f"{tags[tag]} {tags[f'{group}:TimeCreated']}"
    return tags[tag]


def decide(tags: dict, name: str):
    """(expected key prefix or '-', date_source, deciding value, why)."""
    mime = tags.get('File:MIMEType', '')
    error = tags.get('ExifTool:Error', '')
    if tags.get('File:FileSize') in (None, 0, '0 bytes') and 'empty' in error:
        return '-', 'Skipped', '0 bytes', '0-byte object: a placeholder, never copied (the real upload files itself)'
    if 'Unknown file type' in error or not (mime.startswith('image/') or mime.startswith('video/') or mime == 'application/vnd.adobe.photoshop'):
        return '-', 'Skipped', mime or error, f'not a photo/video (MIMEType {mime or "none"}{", " + error if error else ""})'
    is_video = mime.startswith('video/')

    def first_valid(names):
        for tag in names:
            if tag in tags:
                parsed = parse(iptc_value(tags, tag))
                if parsed:
                    return tag, tags[tag], parsed
        return None

    rule_1 = RULE_1 + ([f'{group}:DateTimeOriginal' for group in VIDEO_MAKER_GROUPS] if is_video else [])
    found = first_valid(rule_1)
    if found:
        older = first_valid(SCAN_DATE_CREATED)
        # a DateCreated without a time of day is the whole day: measured from its last second
        older_end = older and older[2][0] + (dt.timedelta(0) if re.search(r'\d[ T]\d\d?:\d\d', str(iptc_value(tags, older[0]))) else dt.timedelta(days=1, seconds=-1))
        if older and (found[2][0] - older_end) > dt.timedelta(days=1):
            return older[2][0].strftime('%Y-%m-%d'), 'DateCreatedBeforeScan', older[1], f'rule 1 scan: {older[0]} more than a day before {found[0]}'
        return found[2][0].strftime('%Y-%m-%d'), 'DateTimeOriginal', found[1], f'rule 1 {found[0]}'
    for tag, value in tags.items():  # rule 2: a QuickTime date with its own offset
        if tag.split(':')[0] in ('Keys', 'UserData', 'ItemList') and re.search(r'Date', tag):
            parsed = parse(value)
            if parsed and parsed[1] is not None:
                return parsed[0].strftime('%Y-%m-%d'), 'QuickTimeCreationDateWithOffset', value, f'rule 2 {tag}'
    found = first_valid(RULE_3)
    if found:
        return found[2][0].strftime('%Y-%m-%d'), 'DateCreated', found[1], f'rule 3 {found[0]}'
    found = first_valid(RULE_4)
    if found:
        return found[2][0].strftime('%Y-%m-%d'), 'CreateDate', found[1], f'rule 4 {found[0]}'
    found = first_valid(RULE_5)
    if found:
        wall, offset = found[2]
        make = next((value for key, value in tags.items() if key.endswith(':Make') and isinstance(value, str) and value.strip()), None)
        make = make or next((key.split(':')[0] for key in tags if key.split(':')[0] in VIDEO_MAKER_GROUPS), '')
        local_clock = tags.get('File:FileType') not in ('CR3', 'CRM') and any(make.lower().startswith(maker) for maker in LOCAL_CLOCK_MAKERS)
        if local_clock and offset is None:
            return wall.strftime('%Y-%m-%d'), 'QuickTimeLocalClock', found[1], f'rule 5 {found[0]} (camera clock of {make})'
        utc = wall - dt.timedelta(minutes=offset or 0)  # an offset here is exiftool's own (CR3)
        local, how = to_local(utc, tags, name)
        return local.strftime('%Y-%m-%d'), 'QuickTimeUTC', found[1], f'rule 5 {found[0]} (UTC) + {how}'
    found = first_valid(RULE_5_MATROSKA)
    if found:
        wall, offset = found[2]
        local, how = to_local(wall - dt.timedelta(minutes=offset or 0), tags, name)
        return local.strftime('%Y-%m-%d'), 'MatroskaUTC', found[1], f'rule 5 {found[0]} (Matroska DateUTC) + {how}'
    found = first_valid(RULE_6)
    if found:
        wall, offset = found[2]
        if found[0] in RULE_6_UTC:
            wall, _ = to_local(wall - dt.timedelta(minutes=offset or 0), tags, name)
        return wall.strftime('%Y-%m-%d'), 'OtherCaptureDate', found[1], f'rule 6 {found[0]}'
    found = first_valid(RULE_7)
    if found:
        wall, offset = found[2]
        local, how = to_local(wall - dt.timedelta(minutes=offset or 0), tags, name)
        return local.strftime('%Y-%m-%d'), 'GPSDateTime', found[1], f'rule 7 {found[0]} (UTC) + {how}'
    found = first_valid(RULE_8)
    if found:
        return found[2][0].strftime('%Y-%m-%d'), 'ModifyDate', found[1], f'rule 8 {found[0]}'
    found = name_date(name)
    if found:
        wall, clock, _, text = found
        if clock == 'utc':
            if wall.replace(tzinfo=dt.timezone.utc) > NOW:
                return 'undated', 'Undated', '', 'rule 9 epoch name after the upload'
            wall, _ = to_local(wall, tags, '')
        if parse(wall.strftime('%Y:%m:%d %H:%M:%S')):
            return wall.strftime('%Y-%m-%d'), 'FileName', text, f'rule 9 date in file name ({clock})'
    return 'undated', 'Undated', '', 'rule 10 no valid date'


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
