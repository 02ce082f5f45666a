#!/usr/bin/env bash
# Writes test-fixtures/media/* and test-fixtures/expected.json: small media with known dates.
# Needs ImageMagick (magick or convert), ffmpeg (with libx264), heif-enc (libheif-examples), perl,
# and the pinned exiftool from node_modules (`pnpm install`). Run it through `make fixtures`.
#
# Every date below is a constant, so a rerun with the same tool versions gives the same bytes:
# ImageMagick is told to write no timestamps, ffmpeg runs bit-exact on one thread with its own
# metadata dropped, and the dates are then set explicitly (ffmpeg creation_time, exiftool).
set -euo pipefail
export LC_ALL=C TZ=UTC

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exiftool_script="$here/node_modules/exiftool-vendored.pl/bin/exiftool"
if [[ ! -f "$exiftool_script" ]]; then
  echo "generate.sh: pinned exiftool not found at $exiftool_script (run pnpm install)" >&2
  exit 1
fi

need() {
  command -v "$1" >/dev/null || { echo "generate.sh: '$1' not found (make fixtures installs it)" >&2; exit 1; }
}
need perl
need ffmpeg
need heif-enc
if command -v magick >/dev/null; then imagemagick=(magick); else need convert; imagemagick=(convert); fi

exiftool() { perl "$exiftool_script" -quiet -overwrite_original "$@"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/media"
mkdir -p "$out"

# ---- base pictures: no metadata, no timestamps ---------------------------------------------
# A swirled gradient with seeded noise: deterministic, and ~16 KB of entropy-coded data, so a JPEG
# can be cut in the middle of it.
"${imagemagick[@]}" -size 320x240 gradient:navy-orange -swirl 180 -seed 7 -attenuate 0.5 +noise Gaussian \
  -strip -quality 85 "$work/base.jpg"
png() { "${imagemagick[@]}" -size 96x64 gradient:teal-ivory -depth 8 -strip -define png:exclude-chunks=date,time "$1"; }

jpeg() { cp "$work/base.jpg" "$out/$1"; }

# Offsets inside a JPEG: where the EXIF APP1 payload starts ("Exif\0\0") and where the first
# scan's entropy-coded data starts (after the SOS header), found by walking the segments.
jpeg_offsets() {
  perl -e '
    local $/; open my $fh, "<:raw", $ARGV[0] or die; my $data = <$fh>;
    my ($pos, $exif, $scan) = (2, -1, -1);
    while ($pos + 4 <= length $data) {
      my ($marker, $length) = unpack "x C n", substr($data, $pos, 4);
      $exif = $pos + 4 if $marker == 0xE1 && substr($data, $pos + 4, 6) eq "Exif\0\0";
      if ($marker == 0xDA) { $scan = $pos + 2 + $length; last }
      $pos += 2 + $length;
    }
    die "no EXIF or no scan in $ARGV[0]\n" if $exif < 0 || $scan < 0;
    print "$exif $scan ", length $data, "\n";
  ' "$1"
}

# ---- dates (the single source for both the files and expected.json) -----------------------
dto_offset='2019:07:15 00:45:10'        # +02:00: in UTC this is still 2019-07-14
dto_offset_tz='+02:00'
dto_offset_modify='2020:01:02 10:00:00' # edited later; must lose to DateTimeOriginal
dto_plain='2018:12:31 23:59:59'
png_creation='2017:03:04 05:06:07'
tiff_dto='2016:08:20 14:15:16'
heic_dto='2022:01:15 08:30:00'
heic_tz='-05:00'
mp4_end_utc='2021:06:30 23:30:00'       # 2021-07-01 on a Berlin clock
mp4_fast_utc='2020:11:05 12:00:00'
mov_creation='2019:05:26 01:33:20+03:00'
mov_utc='2019:05:25 22:33:20'           # the same instant, one day earlier in UTC
zero='0000:00:00 00:00:00'
zero_modify='2015:10:20 09:08:07'
unix_zero='1970:01:01 00:00:00'
dos_zero='1980:01:01 00:00:00'
create_only='2014:02:14 18:00:00'
create_only_modify='2014:03:01 08:00:00'
gps_date='2020:02:29'
gps_time='23:10:05'
truncated_dto='2017:09:09 09:09:09'
upper_dto='2010:10:10 10:10:10'
unicode_dto='2023:08:15 16:20:00'
unicode_tz='+02:00'
unicode_name='Sommer + Strand & 100% café.jpg'

iso() { local value="$1"; printf '%s' "${value:0:4}-${value:5:2}-${value:8:2}T${value:11}"; }

# ---- stills ----------------------------------------------------------------------------------
jpeg jpeg-dto-offset.jpg
exiftool "-IFD0:Make=Canon" "-IFD0:Model=Canon EOS 5D Mark IV" "-IFD0:ModifyDate=$dto_offset_modify" \
  "-ExifIFD:DateTimeOriginal=$dto_offset" "-ExifIFD:OffsetTimeOriginal=$dto_offset_tz" "$out/jpeg-dto-offset.jpg"

jpeg jpeg-dto-no-offset.jpg
exiftool "-ExifIFD:DateTimeOriginal=$dto_plain" "$out/jpeg-dto-no-offset.jpg"

png "$out/png-creation-time.png"
exiftool "-PNG:CreationTime=$png_creation" "$out/png-creation-time.png"

"${imagemagick[@]}" "$work/base.jpg" -resize 50% -strip -compress zip "$out/tiff-dto.tif"
# ImageMagick may stamp IFD0 DateTime (ModifyDate) with the current time: remove it.
exiftool "-IFD0:ModifyDate=" "-ExifIFD:DateTimeOriginal=$tiff_dto" "$out/tiff-dto.tif"

# heif-enc copies the EXIF block of its JPEG input into the HEIC.
cp "$work/base.jpg" "$work/heic-source.jpg"
exiftool "-IFD0:Make=Apple" "-IFD0:Model=iPhone 13" "-ExifIFD:DateTimeOriginal=$heic_dto" \
  "-ExifIFD:OffsetTimeOriginal=$heic_tz" "$work/heic-source.jpg"
heif-enc --quality 50 --output "$out/heic-dto-offset.heic" "$work/heic-source.jpg" >/dev/null

jpeg jpeg-no-date.jpg
jpeg IMG-20190405-WA0001.jpg
jpeg IMG_20191341_120000.jpg
png "$out/Screenshot 2019-05-21 at 10.45.52.png"

jpeg jpeg-zero-date.jpg
# '#=' writes the value as is: exiftool's date check would refuse month 00.
exiftool "-ExifIFD:DateTimeOriginal#=$zero" "-ExifIFD:CreateDate#=$zero" "-IFD0:ModifyDate=$zero_modify" \
  "$out/jpeg-zero-date.jpg"

jpeg jpeg-placeholder-epoch.jpg
exiftool "-ExifIFD:DateTimeOriginal=$unix_zero" "-ExifIFD:CreateDate=$dos_zero" "$out/jpeg-placeholder-epoch.jpg"

jpeg jpeg-createdate-only.jpg
exiftool "-ExifIFD:CreateDate=$create_only" "-IFD0:ModifyDate=$create_only_modify" "$out/jpeg-createdate-only.jpg"

jpeg jpeg-gps-only.jpg
exiftool "-GPS:GPSDateStamp=$gps_date" "-GPS:GPSTimeStamp=$gps_time" "$out/jpeg-gps-only.jpg"

jpeg DSC_0001.JPG
exiftool "-IFD0:Make=NIKON CORPORATION" "-IFD0:Model=NIKON D90" "-ExifIFD:DateTimeOriginal=$upper_dto" \
  "$out/DSC_0001.JPG"

jpeg "$unicode_name"
exiftool "-ExifIFD:DateTimeOriginal=$unicode_dto" "-ExifIFD:OffsetTimeOriginal=$unicode_tz" "$out/$unicode_name"

# Two truncated copies of one dated JPEG: cut halfway through the scan data (EXIF intact), and
# cut 40 bytes into the EXIF payload (IFD0 entries present, their values and the EXIF IFD gone).
cp "$work/base.jpg" "$work/truncated-source.jpg"
exiftool "-ExifIFD:DateTimeOriginal=$truncated_dto" "$work/truncated-source.jpg"
read -r exif_start scan_start total < <(jpeg_offsets "$work/truncated-source.jpg")
head -c $(( scan_start + (total - scan_start) / 2 )) "$work/truncated-source.jpg" > "$out/jpeg-truncated-in-image-data.jpg"
head -c $(( exif_start + 40 )) "$work/truncated-source.jpg" > "$out/jpeg-truncated-in-exif.jpg"

printf 'Shopping list: film, batteries, lens cloth.\nNot a photo; the organizer must not invent a date for it.\n' \
  > "$out/notes.txt"
: > "$out/empty.jpg"

# ---- videos --------------------------------------------------------------------------------
# One second of 64x48 test pattern; bit-exact, one thread, ffmpeg's own metadata dropped.
video() {
  local creation_time="$1" output="$2"; shift 2
  ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc=size=64x48:rate=10 -t 1 \
    -c:v libx264 -threads 1 -preset veryfast -crf 35 -pix_fmt yuv420p \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
    -metadata "creation_time=$creation_time" "$@" "$output"
}
utc_iso() { printf '%sZ' "$(iso "$1")"; }

video "$(utc_iso "$mp4_end_utc")" "$out/mp4-moov-at-end.mp4"
video "$(utc_iso "$mp4_fast_utc")" "$out/mp4-faststart.mp4" -movflags +faststart
# exiftool adds the Apple Keys; rewriting the file it moves moov before mdat (checked by the test).
video "$(utc_iso "$mov_utc")" "$out/mov-apple-creationdate.mov" -f mov
exiftool "-Keys:CreationDate=$mov_creation" "-Keys:Make=Apple" "-Keys:Model=iPhone XS" \
  "$out/mov-apple-creationdate.mov"

# ---- expected.json -------------------------------------------------------------------------
# rawTags: what was written above, as `exiftool -json -G1 -a` reports it. captureDate, dateSource
# and key: derived by hand from ../shared/docs/date-policy.md with the defaults (time zone UTC,
# undated objects under undated/).
qt_dates() { # the six dates ffmpeg derives from creation_time
  printf '"QuickTime:CreateDate": "%s", "QuickTime:ModifyDate": "%s", "Track1:TrackCreateDate": "%s", "Track1:TrackModifyDate": "%s", "Track1:MediaCreateDate": "%s", "Track1:MediaModifyDate": "%s"' \
    "$1" "$1" "$1" "$1" "$1" "$1"
}

cat > "$work/expected.json" <<JSON
[
  {
    "file": "media/jpeg-dto-offset.jpg",
    "format": "JPEG",
    "rawTags": { "IFD0:Make": "Canon", "IFD0:Model": "Canon EOS 5D Mark IV", "IFD0:ModifyDate": "$dto_offset_modify", "ExifIFD:DateTimeOriginal": "$dto_offset", "ExifIFD:OffsetTimeOriginal": "$dto_offset_tz" },
    "captureDate": "$(iso "$dto_offset")$dto_offset_tz",
    "dateSource": "DateTimeOriginal",
    "key": "2019-07-15/jpeg-dto-offset.jpg",
    "notes": "Rule 1: local wall clock; the offset is kept but does not move the day (UTC would be the 14th); the later ModifyDate loses."
  },
  {
    "file": "media/jpeg-dto-no-offset.jpg",
    "format": "JPEG",
    "rawTags": { "ExifIFD:DateTimeOriginal": "$dto_plain" },
    "captureDate": "$(iso "$dto_plain")",
    "dateSource": "DateTimeOriginal",
    "key": "2018-12-31/jpeg-dto-no-offset.jpg",
    "notes": "Rule 1 without any offset: the wall clock as written, no time-zone conversion."
  },
  {
    "file": "media/png-creation-time.png",
    "format": "PNG",
    "rawTags": { "PNG:CreationTime": "$png_creation" },
    "captureDate": "$(iso "$png_creation")",
    "dateSource": "OtherCaptureDate",
    "key": "2017-03-04/png-creation-time.png",
    "notes": "Rule 5: PNG CreationTime (tEXt 'Creation Time') is the only date."
  },
  {
    "file": "media/tiff-dto.tif",
    "format": "TIFF",
    "rawTags": { "ExifIFD:DateTimeOriginal": "$tiff_dto" },
    "captureDate": "$(iso "$tiff_dto")",
    "dateSource": "DateTimeOriginal",
    "key": "2016-08-20/tiff-dto.tif",
    "notes": "Rule 1 in a TIFF: EXIF lives in the TIFF structure itself, not in an APP1 segment."
  },
  {
    "file": "media/heic-dto-offset.heic",
    "format": "HEIC",
    "rawTags": { "IFD0:Make": "Apple", "IFD0:Model": "iPhone 13", "ExifIFD:DateTimeOriginal": "$heic_dto", "ExifIFD:OffsetTimeOriginal": "$heic_tz" },
    "captureDate": "$(iso "$heic_dto")$heic_tz",
    "dateSource": "DateTimeOriginal",
    "key": "2022-01-15/heic-dto-offset.heic",
    "notes": "Rule 1 in a HEIC (EXIF item written by heif-enc from the JPEG source); offset kept."
  },
  {
    "file": "media/mp4-moov-at-end.mp4",
    "format": "MP4",
    "rawTags": { $(qt_dates "$mp4_end_utc") },
    "captureDate": "$(iso "$mp4_end_utc")+00:00",
    "dateSource": "QuickTimeUTC",
    "key": "2021-06-30/mp4-moov-at-end.mp4",
    "notes": "Rule 4: QuickTime CreateDate is UTC; no offset in the file, default zone UTC keeps the 30th (Europe/Berlin would give 2021-07-01). moov after mdat."
  },
  {
    "file": "media/mp4-faststart.mp4",
    "format": "MP4",
    "rawTags": { $(qt_dates "$mp4_fast_utc") },
    "captureDate": "$(iso "$mp4_fast_utc")+00:00",
    "dateSource": "QuickTimeUTC",
    "key": "2020-11-05/mp4-faststart.mp4",
    "notes": "Rule 4 with the default zone UTC; moov before mdat (faststart)."
  },
  {
    "file": "media/mov-apple-creationdate.mov",
    "format": "MOV",
    "rawTags": { "Keys:CreationDate": "$mov_creation", "Keys:Make": "Apple", "Keys:Model": "iPhone XS", $(qt_dates "$mov_utc") },
    "captureDate": "$(iso "${mov_creation:0:19}")${mov_creation:19}",
    "dateSource": "QuickTimeCreationDateWithOffset",
    "key": "2019-05-26/mov-apple-creationdate.mov",
    "notes": "Rule 2 beats rule 4: Keys:CreationDate's wall clock is the 26th, the UTC CreateDate (same instant) the 25th."
  },
  {
    "file": "media/jpeg-no-date.jpg",
    "format": "JPEG",
    "rawTags": {},
    "captureDate": null,
    "dateSource": "Undated",
    "key": "undated/jpeg-no-date.jpg",
    "notes": "Rule 9: no metadata date and no date in the name."
  },
  {
    "file": "media/IMG-20190405-WA0001.jpg",
    "format": "JPEG",
    "rawTags": {},
    "captureDate": "2019-04-05T00:00:00",
    "dateSource": "FileName",
    "key": "2019-04-05/IMG-20190405-WA0001.jpg",
    "notes": "Rule 8, messenger name: day only, time unknown (written as 00:00:00); no metadata date at all."
  },
  {
    "file": "media/IMG_20191341_120000.jpg",
    "format": "JPEG",
    "rawTags": {},
    "captureDate": null,
    "dateSource": "Undated",
    "key": "undated/IMG_20191341_120000.jpg",
    "notes": "Rule 8 rejects the name's date (month 13, day 41), so rule 9."
  },
  {
    "file": "media/Screenshot 2019-05-21 at 10.45.52.png",
    "format": "PNG",
    "rawTags": {},
    "captureDate": "2019-05-21T10:45:52",
    "dateSource": "FileName",
    "key": "2019-05-21/Screenshot 2019-05-21 at 10.45.52.png",
    "notes": "Rule 8, macOS screenshot name with spaces; the PNG has no date chunk."
  },
  {
    "file": "media/jpeg-zero-date.jpg",
    "format": "JPEG",
    "rawTags": { "ExifIFD:DateTimeOriginal": "$zero", "ExifIFD:CreateDate": "$zero", "IFD0:ModifyDate": "$zero_modify" },
    "captureDate": "$(iso "$zero_modify")",
    "dateSource": "ModifyDate",
    "key": "2015-10-20/jpeg-zero-date.jpg",
    "notes": "Zero DateTimeOriginal and CreateDate are invalid and skipped; rule 7 ModifyDate is the only valid date."
  },
  {
    "file": "media/jpeg-placeholder-epoch.jpg",
    "format": "JPEG",
    "rawTags": { "ExifIFD:DateTimeOriginal": "$unix_zero", "ExifIFD:CreateDate": "$dos_zero" },
    "captureDate": null,
    "dateSource": "Undated",
    "key": "undated/jpeg-placeholder-epoch.jpg",
    "notes": "1970-01-01 (Unix zero) and 1980-01-01 00:00:00 (DOS zero) are placeholders, both skipped; nothing else, so rule 9."
  },
  {
    "file": "media/jpeg-createdate-only.jpg",
    "format": "JPEG",
    "rawTags": { "ExifIFD:CreateDate": "$create_only", "IFD0:ModifyDate": "$create_only_modify" },
    "captureDate": "$(iso "$create_only")",
    "dateSource": "CreateDate",
    "key": "2014-02-14/jpeg-createdate-only.jpg",
    "notes": "Rule 3: EXIF CreateDate, local time, beats the later ModifyDate; no DateTimeOriginal."
  },
  {
    "file": "media/jpeg-gps-only.jpg",
    "format": "JPEG",
    "rawTags": { "GPS:GPSDateStamp": "$gps_date", "GPS:GPSTimeStamp": "$gps_time" },
    "captureDate": "2020-02-29T${gps_time}+00:00",
    "dateSource": "GPSDateTime",
    "key": "2020-02-29/jpeg-gps-only.jpg",
    "notes": "Rule 6: GPSDateTime (composite of GPSDateStamp + GPSTimeStamp) is UTC; default zone UTC; leap day."
  },
  {
    "file": "media/jpeg-truncated-in-image-data.jpg",
    "format": "JPEG",
    "rawTags": { "ExifIFD:DateTimeOriginal": "$truncated_dto" },
    "captureDate": "$(iso "$truncated_dto")",
    "dateSource": "DateTimeOriginal",
    "key": "2017-09-09/jpeg-truncated-in-image-data.jpg",
    "notes": "Cut halfway through the scan data (no EOI): the EXIF block is whole, so rule 1 still applies."
  },
  {
    "file": "media/jpeg-truncated-in-exif.jpg",
    "format": "JPEG",
    "rawTags": {},
    "captureDate": null,
    "dateSource": "Undated",
    "key": "undated/jpeg-truncated-in-exif.jpg",
    "notes": "A DateTimeOriginal was written, but the file is cut 40 bytes into the EXIF payload: no date is readable, rule 9."
  },
  {
    "file": "media/notes.txt",
    "format": "TXT",
    "rawTags": {},
    "captureDate": null,
    "dateSource": "Undated",
    "key": null,
    "skipped": "unsupported-file-type",
    "notes": "Not a photo or video (exiftool: TXT, text/plain): left where it is, logged as unsupported, never copied."
  },
  {
    "file": "media/empty.jpg",
    "format": "EMPTY",
    "rawTags": {},
    "captureDate": null,
    "dateSource": "Undated",
    "key": "undated/empty.jpg",
    "notes": "0 bytes: exiftool reports 'File is empty'; rule 9."
  },
  {
    "file": "media/DSC_0001.JPG",
    "format": "JPEG",
    "rawTags": { "IFD0:Make": "NIKON CORPORATION", "IFD0:Model": "NIKON D90", "ExifIFD:DateTimeOriginal": "$upper_dto" },
    "captureDate": "$(iso "$upper_dto")",
    "dateSource": "DateTimeOriginal",
    "key": "2010-10-10/DSC_0001.JPG",
    "notes": "Rule 1; the upper-case extension must not stop processing (S3 suffix filters are case-sensitive)."
  },
  {
    "file": "media/$unicode_name",
    "format": "JPEG",
    "rawTags": { "ExifIFD:DateTimeOriginal": "$unicode_dto", "ExifIFD:OffsetTimeOriginal": "$unicode_tz" },
    "captureDate": "$(iso "$unicode_dto")$unicode_tz",
    "dateSource": "DateTimeOriginal",
    "key": "2023-08-15/$unicode_name",
    "notes": "Rule 1; the name (NFC UTF-8) has spaces, '+', '&', '%' and 'é', which S3 events URL-encode ('+' for space)."
  }
]
JSON

# Fail here, not in a test, if the heredoc is not valid JSON.
perl -MJSON::PP -e 'local $/; JSON::PP->new->utf8->decode(<STDIN>)' < "$work/expected.json"

rm -rf "$here/media"
mv "$out" "$here/media"
mv "$work/expected.json" "$here/expected.json"
echo "generate.sh: wrote $(find "$here/media" -type f | wc -l) files, $(du -cb "$here/media"/* | tail -1 | cut -f1) bytes"

# Issue 18: groups of files filed together (Live Photo, RAW+JPEG, Takeout, lone XMP), built from media/.
bash "$here/generate-companions.sh"
