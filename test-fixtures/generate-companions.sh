#!/usr/bin/env bash
# Writes test-fixtures/companions/* and test-fixtures/companions.json: groups of files that are
# filed together (issue 18): a Live Photo (HEIC + MOV + AAE), a RAW+JPEG pair, a Google Takeout
# folder (media without EXIF + JSON, in the classic, supplemental-metadata, clipped and (n)
# forms), a lone XMP sidecar, and JSON that is not Takeout's. Nothing is copied from a real
# Takeout: the JSON below is written here, in the shape Takeout exports have.
# Built from the generated media in test-fixtures/media (run by generate.sh, or on its own);
# needs perl and the pinned exiftool from node_modules.
set -euo pipefail
export LC_ALL=C TZ=UTC

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exiftool_script="$here/node_modules/exiftool-vendored.pl/bin/exiftool"
[[ -f "$exiftool_script" ]] || { echo "generate-companions.sh: pinned exiftool not found (run pnpm install)" >&2; exit 1; }
exiftool() { perl "$exiftool_script" -quiet -overwrite_original "$@"; }
media="$here/media"
for file in heic-dto-offset.heic mov-apple-creationdate.mov tiff-dto.tif jpeg-no-date.jpg; do
  [[ -f "$media/$file" ]] || { echo "generate-companions.sh: $media/$file missing (run generate.sh)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/companions"
takeout_dir="Takeout/Google Photos/Photos from 2021"
mkdir -p "$out/live" "$out/raw" "$out/xmp" "$out/takeout/$takeout_dir" "$out/lone" "$out/other"

# ---- dates ------------------------------------------------------------------------------------
live_dto='2021:06:30 23:10:00'     # the still's wall clock, -07:00 (California)
live_tz='-07:00'
live_utc='2021:07:01 06:10:01'     # the video's QuickTime dates: UTC, the 1st; filed alone it would go to 2021-07-01
live_id='4C3D2F1A-7B8E-4F60-9A21-3E5D6C7B8A90'
raw_dto='2020:03:14 09:26:53'
takeout_epoch=1625093400           # 2021-06-30 22:50:00 UTC
takeout_epoch_dup=1625179800       # 2021-07-01 22:50:00 UTC
takeout_epoch_long=1622548800      # 2021-06-01 12:00:00 UTC
lone_xmp_dto='2018:09:01 12:00:00'
xmp_photo_dto='2019:12:24 18:30:00'   # the photo's; its sidecar (edited later) says 2020:01:05 in xmp:ModifyDate only
xmp_sidecar_modify='2020:01:05 10:00:00'

# ---- a Live Photo: HEIC + MOV + AAE ------------------------------------------------------------
cp "$media/heic-dto-offset.heic" "$out/live/IMG_0001.HEIC"
exiftool "-ExifIFD:DateTimeOriginal=$live_dto" "-ExifIFD:OffsetTimeOriginal=$live_tz" "$out/live/IMG_0001.HEIC"
cp "$media/mov-apple-creationdate.mov" "$out/live/IMG_0001.MOV"
# Apple's Keys carry the ContentIdentifier that ties the video to its still (the HEIC's copy of it
# lives in Apple's maker notes, which exiftool cannot write: the pair is confirmed by name).
exiftool -Keys:all= "-Keys:ContentIdentifier=$live_id" "-Keys:Make=Apple" "-Keys:Model=iPhone 13" \
  "-QuickTime:CreateDate=$live_utc" "-QuickTime:ModifyDate=$live_utc" "-Track1:TrackCreateDate=$live_utc" \
  "-Track1:TrackModifyDate=$live_utc" "-Track1:MediaCreateDate=$live_utc" "-Track1:MediaModifyDate=$live_utc" \
  "$out/live/IMG_0001.MOV"
cat > "$out/live/IMG_0001.AAE" <<'PLIST'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>adjustmentBaseVersion</key>
	<integer>0</integer>
	<key>adjustmentData</key>
	<data>
	bWFkZSBieSB0ZXN0LWZpeHR1cmVzL2dlbmVyYXRlLWNvbXBhbmlvbnMuc2g=
	</data>
	<key>adjustmentEditorBundleID</key>
	<string>com.apple.mobileslideshow</string>
	<key>adjustmentFormatIdentifier</key>
	<string>com.apple.photo</string>
	<key>adjustmentFormatVersion</key>
	<string>1.4</string>
	<key>adjustmentTimestamp</key>
	<date>2021-07-02T09:00:00Z</date>
</dict>
</plist>
PLIST

# ---- RAW + JPEG of one shot (a DNG: a TIFF with DNGVersion, which exiftool reads as DNG) -------
cp "$media/jpeg-no-date.jpg" "$out/raw/DSC_0002.JPG"
exiftool "-IFD0:Make=NIKON CORPORATION" "-IFD0:Model=NIKON D750" "-ExifIFD:DateTimeOriginal=$raw_dto" "$out/raw/DSC_0002.JPG"
cp "$media/tiff-dto.tif" "$out/raw/DSC_0002.DNG"
exiftool -DNGVersion=1.4.0.0 "-IFD0:Make=NIKON CORPORATION" "-IFD0:Model=NIKON D750" "-ExifIFD:DateTimeOriginal=$raw_dto" \
  -IFD0:ModifyDate= "$out/raw/DSC_0002.DNG"

# ---- a photo and its XMP sidecar (an editor's, holding only a later edit date) ----------------
cp "$media/jpeg-no-date.jpg" "$out/xmp/IMG_2001.JPG"
exiftool "-ExifIFD:DateTimeOriginal=$xmp_photo_dto" "$out/xmp/IMG_2001.JPG"
perl "$exiftool_script" -quiet -o "$out/xmp/IMG_2001.JPG.xmp" "-XMP-xmp:ModifyDate=$xmp_sidecar_modify" -XMP-xmp:Rating=4

# ---- a Google Takeout folder: media without EXIF + their JSON ---------------------------------
takeout_json() { # epoch title
  printf '{\n  "title": "%s",\n  "description": "",\n  "imageViews": "0",\n  "creationTime": {\n    "timestamp": "1700000000",\n    "formatted": "Nov 14, 2023, 10:13:20 PM UTC"\n  },\n  "photoTakenTime": {\n    "timestamp": "%s",\n    "formatted": "%s"\n  },\n  "geoData": {\n    "latitude": 0.0,\n    "longitude": 0.0,\n    "altitude": 0.0,\n    "latitudeSpan": 0.0,\n    "longitudeSpan": 0.0\n  },\n  "url": "https://photos.google.com/photo/EXAMPLE",\n  "googlePhotosOrigin": {\n    "mobileUpload": {\n      "deviceType": "ANDROID_PHONE"\n    }\n  }\n}\n' \
    "$2" "$1" "$(date -u -d "@$1" '+%b %-d, %Y, %-I:%M:%S %p UTC')"
}
t="$out/takeout/$takeout_dir"
cp "$media/jpeg-no-date.jpg" "$t/received_10157.jpeg"
takeout_json "$takeout_epoch" received_10157.jpeg > "$t/received_10157.jpeg.json"
# A second file of the same name: Takeout numbers it and moves the counter behind the clipped part.
cp "$media/jpeg-no-date.jpg" "$t/received_10157(1).jpeg"
exiftool -Comment='the second received_10157.jpeg' "$t/received_10157(1).jpeg"
takeout_json "$takeout_epoch_dup" received_10157.jpeg > "$t/received_10157.jpeg.supplemental-metadata(1).json"
# A long name: Takeout clips "<name>.supplemental-metadata" to 46 characters before ".json".
long='shared-from-a-messenger-app-with-a-long-name.jpg'
long_json="$(perl -CS -e 'print substr($ARGV[0] . ".supplemental-metadata", 0, 46), ".json"' "$long")"
cp "$media/jpeg-no-date.jpg" "$t/$long"
exiftool -Comment='a long name' "$t/$long"
takeout_json "$takeout_epoch_long" "$long" > "$t/$long_json"
# An album's metadata.json: Takeout's too, but about no photo (no photoTakenTime): skipped.
printf '{\n  "title": "Photos from 2021",\n  "description": "",\n  "access": "",\n  "date": {\n    "timestamp": "1625093400",\n    "formatted": "Jun 30, 2021, 10:50:00 PM UTC"\n  }\n}\n' > "$t/metadata.json"

# ---- a lone XMP sidecar (its photo never comes) and JSON that is not Takeout's ---------------
perl "$exiftool_script" -quiet -o "$out/lone/DSC_0099.xmp" "-XMP-exif:DateTimeOriginal=$lone_xmp_dto" "-XMP-tiff:Make=NIKON CORPORATION"
printf '{\n  "theme": "dark",\n  "version": 3\n}\n' > "$out/other/settings.json"

# ---- companions.json ----------------------------------------------------------------------------
day() { date -u -d "@$1" '+%Y-%m-%d'; }
cat > "$work/companions.json" <<JSON
{
  "groups": [
    {
      "name": "Live Photo",
      "files": ["live/IMG_0001.HEIC", "live/IMG_0001.MOV", "live/IMG_0001.AAE"],
      "primary": "live/IMG_0001.HEIC",
      "keys": ["2021-06-30/IMG_0001.HEIC", "2021-06-30/IMG_0001.MOV", "2021-06-30/IMG_0001.AAE"],
      "dateSource": "DateTimeOriginal",
      "notes": "The still's wall clock ($live_dto$live_tz) is the 30th; the video's QuickTime dates are UTC ($live_utc), the 1st, where it would go on its own."
    },
    {
      "name": "RAW+JPEG",
      "files": ["raw/DSC_0002.JPG", "raw/DSC_0002.DNG"],
      "primary": "raw/DSC_0002.JPG",
      "keys": ["2020-03-14/DSC_0002.JPG", "2020-03-14/DSC_0002.DNG"],
      "dateSource": "DateTimeOriginal"
    },
    {
      "name": "XMP sidecar",
      "files": ["xmp/IMG_2001.JPG", "xmp/IMG_2001.JPG.xmp"],
      "primary": "xmp/IMG_2001.JPG",
      "keys": ["2019-12-24/IMG_2001.JPG", "2019-12-24/IMG_2001.JPG.xmp"],
      "dateSource": "DateTimeOriginal",
      "notes": "The sidecar's own date is a later edit ($xmp_sidecar_modify); it follows its photo."
    },
    {
      "name": "Takeout",
      "files": ["takeout/$takeout_dir/received_10157.jpeg", "takeout/$takeout_dir/received_10157.jpeg.json"],
      "primary": "takeout/$takeout_dir/received_10157.jpeg",
      "keys": ["$(day $takeout_epoch)/received_10157.jpeg", "$(day $takeout_epoch)/received_10157.jpeg.json"],
      "dateSource": "TakeoutJson",
      "notes": "No EXIF and no date in the name: photoTakenTime $takeout_epoch, in the default zone (UTC)."
    },
    {
      "name": "Takeout duplicate",
      "files": ["takeout/$takeout_dir/received_10157(1).jpeg", "takeout/$takeout_dir/received_10157.jpeg.supplemental-metadata(1).json"],
      "primary": "takeout/$takeout_dir/received_10157(1).jpeg",
      "keys": ["$(day $takeout_epoch_dup)/received_10157(1).jpeg", "$(day $takeout_epoch_dup)/received_10157.jpeg.supplemental-metadata(1).json"],
      "dateSource": "TakeoutJson"
    },
    {
      "name": "Takeout clipped name",
      "files": ["takeout/$takeout_dir/$long", "takeout/$takeout_dir/$long_json"],
      "primary": "takeout/$takeout_dir/$long",
      "keys": ["$(day $takeout_epoch_long)/$long", "$(day $takeout_epoch_long)/$long_json"],
      "dateSource": "TakeoutJson"
    },
    {
      "name": "lone XMP",
      "files": ["lone/DSC_0099.xmp"],
      "keys": ["2018-09-01/DSC_0099.xmp"],
      "dateSource": "DateTimeOriginal",
      "notes": "Its photo never comes: after the grace period it is filed by its own XMP-exif:DateTimeOriginal."
    }
  ],
  "skipped": ["takeout/$takeout_dir/metadata.json", "other/settings.json"]
}
JSON
perl -MJSON::PP -e 'local $/; JSON::PP->new->utf8->decode(<STDIN>)' < "$work/companions.json" >/dev/null

rm -rf "$here/companions"
mv "$out" "$here/companions"
mv "$work/companions.json" "$here/companions.json"
echo "generate-companions.sh: wrote $(find "$here/companions" -type f | wc -l) files to test-fixtures/companions and test-fixtures/companions.json"
