#!/usr/bin/perl
# exiftool-server.pl: a long-lived ExifTool that reads files through its parent.
#
# Run as:  perl -I <exiftool lib dir> exiftool-server.pl [Module ...]
# The only arguments are ExifTool modules to load before READY (e.g. `QuickTime`, `Exif`), fixed by
# the parent's options: object keys, contents and tag lists travel over fd 3 only.
# Needs only core perl and what Image::ExifTool loads itself (no JSON module: see EncodeJson).
#
# Why: the exiftool CLI opens "-" at the OS level, so a pipe cannot seek. Here ExifTool reads a
# tied filehandle whose read/seek/tell are answered by the parent (Node), which fetches only the
# byte ranges asked for (HTTP Range requests). Videos with `moov` after `mdat` then cost two small
# reads, and MOV files with a `wide` atom keep their tags under Fast.
#
# Protocol on fd 3 (a socket pair, both directions). Every message is one ASCII header line,
# optionally followed by exactly <len> payload bytes. <id> is a decimal request id chosen by the
# parent; anything carrying another id than the current request is stale and is discarded.
#
#   server -> parent
#     READY <protocol> <exiftool version>\n         once, at start
#     G <id> <offset> <length>\n                    read request for the current request <id>
#                                                   (whole aligned blocks, clipped at the end)
#     J <id> <len>\n<json>                          the result of request <id> (UTF-8 JSON object)
#   parent -> server
#     R <id> <len>\n<payload>                       a request; payload lines "<key> <value>\n":
#                                                   size <bytes>, block <bytes>, fast <0|1|2>,
#                                                   all <0|1>, ext <file name extension>,
#                                                   tag <name> (repeated; Error and Warning
#                                                   are always added)
#     D <id> <len>\n<bytes>                         the bytes answering the last G of <id>
#                                                   (shorter than asked only at end of file)
#     E <id> <len>\n<message>                       the read failed: every read of <id> now
#                                                   returns end-of-file so ExifTool unwinds fast
#
# Result JSON: {"id":N,"tags":{"Group1:Tag":value,...},"warnings":[...],"error":"...",
# "fileType":"..."}. Values are formatted like `exiftool -json`
# (numbers unquoted, binary as "(Binary data N bytes, use -b option to extract)").
# The server exits when fd 3 reaches end-of-file (the parent closed it or died).
use strict;
use warnings;

use Image::ExifTool;

my $PROTOCOL = 1;

open(my $channel, '+<&=', 3) or die "exiftool-server: cannot open fd 3: $!\n";
binmode($channel);
my $inBuffer = '';

# Reads exactly $length bytes from the channel; exits on end-of-file (the parent is gone).
sub ReadExact {
    my ($length) = @_;
    while (length($inBuffer) < $length) {
        my $got = sysread($channel, $inBuffer, 65536, length($inBuffer));
        exit 0 unless $got;
    }
    return substr($inBuffer, 0, $length, '');
}

# Reads one header line (without the newline).
sub ReadLine {
    for (;;) {
        my $end = index($inBuffer, "\n");
        return substr($inBuffer, 0, $end + 1, '') =~ s/\n\z//r if $end >= 0;
        my $got = sysread($channel, $inBuffer, 65536, length($inBuffer));
        exit 0 unless $got;
    }
}

# Reads one framed message: returns (type, id, payload) or (type, id, offset, length) for G.
sub ReadMessage {
    my $line = ReadLine();
    my ($type, $id, $length) = split / /, $line;
    die "exiftool-server: bad header '$line'\n" unless defined $length and $length =~ /^\d+$/;
    return ($type, $id, ReadExact($length));
}

sub WriteAll {
    my ($data) = @_;
    while (length $data) {
        my $written = syswrite($channel, $data);
        exit 0 unless defined $written;    # parent gone (EPIPE): nothing left to answer
        substr($data, 0, $written, '');
    }
}

# ---- a filehandle whose bytes come from the parent -------------------------------------------
# Reads are answered from a cache of aligned blocks (the request's "block" size, which should be
# the source's own block size): asking the parent for whole blocks costs the source nothing more,
# and saves a round trip per small read (ExifTool reads JPEG markers byte by byte).
package PhotoOrganizer::RemoteFile;

my $MAX_CACHED_BLOCKS = 256;

sub TIEHANDLE {
    my ($class, %fields) = @_;
    return bless { %fields, position => 0, failed => 0, cache => {} }, $class;
}

# Asks the parent for blocks $first..$last (one G message) and caches them.
sub Fetch {
    my ($self, $first, $last) = @_;
    my $blockSize = $self->{block};
    my $offset = $first * $blockSize;
    my $end = ($last + 1) * $blockSize;
    $end = $self->{size} if $end > $self->{size};
    %{$self->{cache}} = () if keys %{$self->{cache}} > $MAX_CACHED_BLOCKS;
    main::WriteAll("G $self->{id} $offset " . ($end - $offset) . "\n");
    for (;;) {
        my ($type, $id, $payload) = main::ReadMessage();
        next unless $id eq $self->{id};    # stale answer of an earlier request
        if ($type ne 'D') { $self->{failed} = 1; return }
        for (my $index = $first; $index <= $last; $index++) {
            $self->{cache}{$index} = substr($payload, ($index - $first) * $blockSize, $blockSize) // '';
        }
        return;
    }
}

# Returns up to $length bytes at the current position (fewer at end of file or after a failure).
sub Bytes {
    my ($self, $length) = @_;
    my $available = $self->{size} - $self->{position};
    $length = $available if $length > $available;
    return '' if $length <= 0 or $self->{failed};
    my $blockSize = $self->{block};
    my $first = int($self->{position} / $blockSize);
    my $last = int(($self->{position} + $length - 1) / $blockSize);
    my $runStart;
    for my $index ($first .. $last + 1) {
        my $missing = $index <= $last && !exists $self->{cache}{$index};
        $runStart = $index if $missing and not defined $runStart;
        if (not $missing and defined $runStart) {
            $self->Fetch($runStart, $index - 1);
            return '' if $self->{failed};
            undef $runStart;
        }
    }
    my $data = '';
    for my $index ($first .. $last) {
        my $block = $self->{cache}{$index} // '';
        my $from = $index == $first ? $self->{position} - $index * $blockSize : 0;
        last if $from >= length $block;
        $data .= substr($block, $from);
        last if length $block < $blockSize;    # short block: the source ended early
    }
    return substr($data, 0, $length);
}

sub READ {
    my ($self, undef, $length, $bufferOffset) = @_;
    my $bufferRef = \$_[1];
    $$bufferRef = '' unless defined $$bufferRef;
    my $data = $self->Bytes($length);
    $self->{position} += length $data;
    substr($$bufferRef, $bufferOffset || 0) = $data;
    return length $data;
}

# Honours $/ (ExifTool sets it to "\xff" to find JPEG markers).
sub READLINE {
    my ($self) = @_;
    my $separator = $/;
    my $line = '';
    for (;;) {
        my $rest = $self->{block} - $self->{position} % $self->{block};
        my $data = $self->Bytes($rest);    # to the end of the current block: no extra fetch
        last unless length $data;
        my $at = defined $separator && length $separator ? index($data, $separator) : -1;
        if ($at >= 0) {
            my $take = $at + length $separator;
            $line .= substr($data, 0, $take);
            $self->{position} += $take;
            return $line;
        }
        $line .= $data;
        $self->{position} += length $data;
    }
    return length $line ? $line : undef;
}

sub GETC {
    my ($self) = @_;
    my $data = $self->Bytes(1);
    $self->{position} += length $data;
    return length $data ? $data : undef;
}

sub SEEK {
    my ($self, $offset, $whence) = @_;
    my $base = !$whence ? 0 : $whence == 1 ? $self->{position} : $self->{size};
    my $target = $base + $offset;
    return 0 if $target < 0;
    $self->{position} = $target;
    return 1;
}

sub TELL    { return $_[0]{position} }
sub EOF     { return $_[0]{position} >= $_[0]{size} ? 1 : '' }
sub BINMODE { return 1 }
sub CLOSE   { return 1 }
sub FILENO  { return undef }

# ---- JSON like `exiftool -json` ---------------------------------------------------------------
package main;

my %jsonEscape = ('"' => '"', "\t" => 't', "\n" => 'n', "\r" => 'r', '\\' => '\\');

sub EncodeJsonString {
    my ($text) = @_;
    $text =~ s/(["\t\n\r\\])/\\$jsonEscape{$1}/sg;
    $text =~ tr/\0//d;
    $text =~ s/([\0-\x1f\x7f])/sprintf("\\u%.4X",ord $1)/sge;
    Image::ExifTool::XMP::FixUTF8(\$text);    # JSON strings must be valid UTF-8, as the CLI does
    return '"' . $text . '"';
}

# Same number/boolean rules as the CLI's EscapeJSON, so values compare equal.
sub EncodeJsonScalar {
    my ($value) = @_;
    return lc($value) if $value =~ /^(true|false)$/i;
    return $value if $value =~ /^-?(\d|[1-9]\d{1,14})(\.\d{1,16})?(e[-+]?\d{1,3})?$/i;
    return EncodeJsonString($value);
}

sub EncodeJson {
    my ($value) = @_;
    return 'null' unless defined $value;
    my $kind = ref $value;
    return EncodeJsonScalar($value) unless $kind;
    if ($kind eq 'SCALAR') {
        my $length = length $$value;
        return EncodeJsonString("(Binary data $length bytes, use -b option to extract)");
    }
    return '[' . join(',', map { EncodeJson($_) } @$value) . ']' if $kind eq 'ARRAY';
    if ($kind eq 'HASH') {
        my @keys = grep { $_ ne '_ordered_keys_' } ($value->{_ordered_keys_} ? @{$value->{_ordered_keys_}} : sort keys %$value);
        return '{' . join(',', map { EncodeJsonString($_) . ':' . EncodeJson($value->{$_}) } @keys) . '}';
    }
    return EncodeJsonString("$value");
}

# ---- requests -----------------------------------------------------------------------------------
sub ParseRequest {
    my ($payload) = @_;
    my %request = (size => 0, block => 65536, fast => 1, all => 0, ext => '', tags => []);
    foreach my $line (split /\n/, $payload) {
        my ($key, $value) = split / /, $line, 2;
        next unless defined $value;
        if ($key eq 'tag') { push @{$request{tags}}, $value } else { $request{$key} = $value }
    }
    return \%request;
}

sub HandleRequest {
    my ($id, $request) = @_;
    local *REMOTE;
    my $file = tie *REMOTE, 'PhotoOrganizer::RemoteFile',
        id => $id, size => $request->{size}, block => $request->{block};
    # A fresh ExifTool object per request: no state can leak from one object to the next.
    my $exiftool = Image::ExifTool->new;
    # ExifTool refines the type by the file name's extension (DNG vs TIFF, MP4 vs MOV) but sees
    # no name for a handle: answer its two look-ups of the empty name with the request's extension.
    no warnings 'redefine';
    my ($getType, $getExtension) = (\&Image::ExifTool::GetFileType, \&Image::ExifTool::GetFileExtension);
    my $named = sub {
        my ($name) = @_;
        return (defined $name && $name eq '' && length $request->{ext}) ? "file.$request->{ext}" : $name;
    };
    local *Image::ExifTool::GetFileType = sub { $getType->($named->(shift), @_) };
    local *Image::ExifTool::GetFileExtension = sub { $getExtension->($named->(shift), @_) };
    use warnings 'redefine';
    $exiftool->Options(FastScan => $request->{fast}, Duplicates => 1);
    my $info = $request->{all} ? $exiftool->ImageInfo(\*REMOTE)
                               : $exiftool->ImageInfo(\*REMOTE, [ @{$request->{tags}}, 'Error', 'Warning' ]);
    my (@pairs, @warnings, $error, $fileType);
    foreach my $key ($exiftool->GetTagList($info, 'File')) {
        my $name = Image::ExifTool::GetTagName($key);
        my $value = $info->{$key};
        if ($name eq 'Warning') { push @warnings, $value; next }
        if ($name eq 'Error')   { $error = $value; next }
        $fileType = $value if $name eq 'FileType' and not defined $fileType;
        push @pairs, EncodeJsonString($exiftool->GetGroup($key, 1) . ':' . $name) . ':' . EncodeJson($value);
    }
    my $json = '{"id":' . $id
        . ',"tags":{' . join(',', @pairs) . '}'
        . ',"warnings":[' . join(',', map { EncodeJsonString($_) } @warnings) . ']'
        . (defined $error ? ',"error":' . EncodeJsonString($error) : '')
        . (defined $fileType ? ',"fileType":' . EncodeJsonString($fileType) : '') . '}';
    undef $file;
    untie *REMOTE;
    WriteAll("J $id " . length($json) . "\n" . $json);
}

# ---- read-only helpers, so a read never loads the writer ----------------------------------------
# ExifTool keeps rarely used routines in Writer.pl (4,900 lines) and autoloads it on first call;
# Writer.pl then loads TagLookup.pm (the tag index for writing) and Fixup.pm. PLIST.pm and
# QuickTime.pm call Get64u on every HEIC/MOV/CR3 read, and XMP.pm calls GetByteOrder/SetByteOrder
# in its own package (which ExifTool's :Utils export list lacks), so without these definitions the
# first HEIC costs +12 MiB of RSS and ~60 ms. Get64u/Get64s are ExifTool 13.59's own code
# (Image/ExifTool/Writer.pl, "Uncommon utility routines"); they are defined only when missing.
# Measured on the corpus: after this, the only autoloaded writer routine left is MakeTiffHeader
# (Sony/Minolta/FLIR previews), which still loads Writer.pl on demand.
package Image::ExifTool;
unless (defined &Image::ExifTool::Get64u) {
    *Image::ExifTool::Get64u = sub ($$) {
        my ($dataPt, $pos) = @_;
        my $pt = GetByteOrder() eq 'MM' ? 0 : 4;    # position of the high word
        return Get32u($dataPt, $pos + $pt) * 4294967296 + Get32u($dataPt, $pos + 4 - $pt);
    };
}
unless (defined &Image::ExifTool::Get64s) {
    *Image::ExifTool::Get64s = sub ($$) {
        my ($dataPt, $pos) = @_;
        my $pt = GetByteOrder() eq 'MM' ? 0 : 4;
        return Get32s($dataPt, $pos + $pt) * 4294967296 + Get32u($dataPt, $pos + 4 - $pt);
    };
}
package main;

require Image::ExifTool::XMP;    # for FixUTF8
{
    no warnings 'once';
    *Image::ExifTool::XMP::GetByteOrder = \&Image::ExifTool::GetByteOrder unless defined &Image::ExifTool::XMP::GetByteOrder;
    *Image::ExifTool::XMP::SetByteOrder = \&Image::ExifTool::SetByteOrder unless defined &Image::ExifTool::XMP::SetByteOrder;
}
# Modules of the common formats, loaded now (while the parent is still starting) rather than
# during the first object of each format.
foreach my $module (@ARGV) {
    die "exiftool-server: bad module name '$module'\n" unless $module =~ /^[A-Za-z][A-Za-z0-9_]*(::[A-Za-z][A-Za-z0-9_]*)*$/;
    require "Image/ExifTool/" . ($module =~ s{::}{/}gr) . ".pm";
}
WriteAll("READY $PROTOCOL $Image::ExifTool::VERSION\n");
for (;;) {
    my ($type, $id, $payload) = ReadMessage();
    next unless $type eq 'R';    # D/E outside a request: a stale answer, dropped
    HandleRequest($id, ParseRequest($payload));
}
