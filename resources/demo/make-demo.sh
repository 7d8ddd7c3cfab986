#!/usr/bin/env bash
# Generates the MELD-style demo corpus in this folder (resources/demo):
#   train_sent_emo.csv, dev_sent_emo.csv      MELD's exact header and conventions
#   train_splits/dia{D}_utt{U}.mp4            24 utterances in 6 dialogues, all 7 emotions
#   dev_splits_complete/dia{D}_utt{U}.mp4     10 utterances in 3 dialogues; dia2_utt2 deliberately has no clip
# Speech is espeak-ng (a voice per speaker, pitch/speed/volume per emotion); video is 320x240 at 24 fps,
# an animated gradient coloured per emotion with a bobbing "speaker" block (colour per speaker, motion per
# emotion) and the speaker's name; h264 + AAC mono 22.05 kHz, low bitrate.
# Deterministic: same tools, same bytes (x264 runs single-threaded, metadata is stripped).
# Usage: bash resources/demo/make-demo.sh   (needs espeak-ng and ffmpeg/ffprobe on PATH)
set -euo pipefail
export LC_ALL=C.UTF-8

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in espeak-ng ffmpeg ffprobe awk; do
  command -v "$tool" >/dev/null || { echo "make-demo: $tool not found on PATH" >&2; exit 1; }
done
font=""
for f in /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf /usr/share/fonts/TTF/DejaVuSans-Bold.ttf /System/Library/Fonts/Supplemental/Arial\ Bold.ttf; do
  [ -f "$f" ] && { font="$f"; break; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# split|dialogue|utterance|speaker|emotion|clip (yes/missing)|utterance text (UTF-8, typographic quotes as in MELD)
read -r -d '' SCRIPT <<'EOF' || true
train|0|0|Theo|neutral|yes|Hey, did you pick up the groceries on your way home?
train|0|1|Maya|surprise|yes|Wait, what? Is that a cake on the table?
train|0|2|Theo|joy|yes|Happy birthday! We planned this for weeks!
train|0|3|Maya|joy|yes|This is wonderful, thank you so much!
train|1|0|Priya|anger|yes|I can’t believe you did that! You broke my laptop!
train|1|1|Sam|fear|yes|I’m so sorry, please don’t be mad at me.
train|1|2|Priya|anger|yes|You never listen to anything I say!
train|1|3|Sam|sadness|yes|I know. I feel terrible about it.
train|2|0|Theo|disgust|yes|Ugh, what is that smell in the fridge?
train|2|1|Priya|neutral|yes|It’s the cheese from last month, I think.
train|2|2|Theo|disgust|yes|That is absolutely revolting. Throw it out.
train|2|3|Priya|surprise|yes|Oh my god, it’s moving!
train|3|0|Maya|fear|yes|Did you hear that noise downstairs?
train|3|1|Sam|neutral|yes|It’s probably just the wind.
train|3|2|Maya|fear|yes|What if someone is inside the house?
train|3|3|Sam|surprise|yes|Whoa, the door just opened by itself!
train|4|0|Priya|sadness|yes|My grandmother passed away last night.
train|4|1|Maya|sadness|yes|Oh no, I’m so sorry to hear that.
train|4|2|Priya|neutral|yes|The funeral is on Saturday morning.
train|4|3|Maya|neutral|yes|I’ll drive you there, okay?
train|5|0|Sam|joy|yes|I got the job! They called me this morning!
train|5|1|Theo|surprise|yes|No way! That’s amazing news!
train|5|2|Sam|joy|yes|We should celebrate tonight.
train|5|3|Theo|anger|yes|Except you promised to help me move tonight!
dev|0|0|Maya|neutral|yes|Are you coming to the meeting at noon?
dev|0|1|Theo|anger|yes|Seriously? Nobody told me about any meeting!
dev|0|2|Maya|neutral|yes|It was in the “team update” email, Theo.
dev|0|3|Theo|sadness|yes|Well… I guess I missed it — again.
dev|1|0|Sam|joy|yes|Look, the puppy learned to sit!
dev|1|1|Priya|surprise|yes|Wow, already? That was fast!
dev|1|2|Sam|joy|yes|He’s the smartest dog in the world.
dev|2|0|Theo|fear|yes|The brakes feel strange, I don’t like this.
dev|2|1|Maya|disgust|yes|And this car smells like old fish.
dev|2|2|Theo|neutral|missing|Let’s stop at the next gas station.
EOF

# speaker -> espeak voice, pitch offset, block colour
speaker_voice() { case "$1" in Maya) echo en-us+f3;; Theo) echo en-gb+m3;; Priya) echo en-gb+f4;; Sam) echo en-us+m7;; esac; }
speaker_pitch() { case "$1" in Maya) echo 8;; Theo) echo -6;; Priya) echo 4;; Sam) echo -10;; esac; }
speaker_color() { case "$1" in Maya) echo 0xF2D0A4;; Theo) echo 0x8FB8DE;; Priya) echo 0xC9A0DC;; Sam) echo 0xA8D5A2;; esac; }
# emotion -> espeak pitch (0-99), words per minute, amplitude; gradient colours; motion (Hz, pixels)
emotion_params() {
  case "$1" in
    anger)    echo "38 185 190 0xB01010 0x400000 3.0 30";;
    disgust)  echo "32 150 130 0x5A7A10 0x202A05 0.8 12";;
    fear)     echo "72 195 110 0x402070 0x100020 4.0 10";;
    joy)      echo "70 175 150 0xFFC020 0xFF7030 1.6 35";;
    neutral)  echo "50 160 120 0x808890 0x30343A 0.5 6";;
    sadness)  echo "26 140 90 0x203C80 0x0A1030 0.3 18";;
    surprise) echo "88 170 160 0x20C0C0 0xFFFFFF 2.2 45";;
  esac
}
sentiment() { case "$1" in joy) echo positive;; neutral) echo neutral;; surprise) echo positive;; *) echo negative;; esac; }
hms() { awk -v t="$1" 'BEGIN { ms = int(t * 1000 + 0.5); printf "%02d:%02d:%02d,%03d", int(ms / 3600000), int(ms / 60000) % 60, int(ms / 1000) % 60, ms % 1000 }'; }
csvq() { case "$1" in *[,\"]*) local s="${1//\"/\"\"}"; printf '"%s"' "$s";; *) printf '%s' "$1";; esac; }

header='Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime'
rm -rf "$here/train_splits" "$here/dev_splits_complete"
mkdir -p "$here/train_splits" "$here/dev_splits_complete"
printf '%s\r\n' "$header" > "$here/train_sent_emo.csv"
printf '%s\r\n' "$header" > "$here/dev_sent_emo.csv"

declare -A srno=([train]=0 [dev]=0)
declare -A clock=()
while IFS='|' read -r split dia utt spk emo clip text; do
  [ -n "$split" ] || continue
  folder=train_splits; [ "$split" = dev ] && folder=dev_splits_complete
  read -r pitch speed amp c0 c1 hz px <<<"$(emotion_params "$emo")"
  pitch=$((pitch + $(speaker_pitch "$spk")))
  wav="$work/${split}_dia${dia}_utt${utt}.wav"
  # espeak reads plain apostrophes and dashes more reliably than the typographic ones kept in the CSV
  say="$(printf '%s' "$text" | sed "s/’/'/g; s/[“”]/\"/g; s/…/,/g; s/—/,/g")"
  espeak-ng -v "$(speaker_voice "$spk")" -p "$pitch" -s "$speed" -a "$amp" -w "$wav" "$say"
  speech="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$wav")"
  dur="$(awk -v s="$speech" 'BEGIN { d = s + 0.4; if (d < 1.6) d = 1.6; printf "%.3f", d }')"
  awk -v d="$dur" 'BEGIN { exit !(d >= 1.5 && d <= 4.0) }' || { echo "make-demo: $split dia${dia}_utt${utt} lasts $dur s (want 1.5-4 s)" >&2; exit 1; }

  key="$split/$dia"
  start="${clock[$key]:-$(awk -v d="$dia" 'BEGIN { printf "%.3f", 60 * (d + 1) + 0.5 }')}"
  end="$(awk -v a="$start" -v d="$dur" 'BEGIN { printf "%.3f", a + d }')"
  clock[$key]="$(awk -v e="$end" 'BEGIN { printf "%.3f", e + 0.35 }')"
  srno[$split]=$((srno[$split] + 1))
  episode=$((dia + 1))
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,"%s","%s"\r\n' "${srno[$split]}" "$(csvq "$text")" "$spk" "$emo" "$(sentiment "$emo")" \
    "$dia" "$utt" 1 "$episode" "$(hms "$start")" "$(hms "$end")" >> "$here/${split}_sent_emo.csv"

  [ "$clip" = yes ] || { echo "$folder/dia${dia}_utt${utt}.mp4: left out on purpose (missing-media example)"; continue; }
  off=1; [ "$split" = dev ] && off=501
  seed=$((off + dia * 37 + utt * 11))
  label=""
  [ -n "$font" ] && label=",drawtext=fontfile='$font':text='$spk':x=12:y=H-34:fontsize=20:fontcolor=white:borderw=2:bordercolor=black"
  ffmpeg -nostdin -v error -y \
    -i "$wav" \
    -f lavfi -i "gradients=s=320x240:r=24:c0=$c0:c1=$c1:seed=$seed:speed=0.03:d=$dur" \
    -f lavfi -i "color=c=$(speaker_color "$spk"):s=70x90:r=24:d=$dur" \
    -filter_complex "[1:v][2:v]overlay=x='(W-w)/2+$px*sin(2*PI*$hz*t)':y='(H-h)/2-10+($px/2)*cos(2*PI*$hz*1.3*t)':eval=frame$label,format=yuv420p[v];[0:a]adelay=200|200,apad=whole_dur=$dur,aformat=channel_layouts=mono[a]" \
    -map '[v]' -map '[a]' -t "$dur" \
    -c:v libx264 -preset medium -crf 34 -g 48 -threads 1 \
    -c:a aac -b:a 32k -ar 22050 -ac 1 \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -movflags +faststart \
    "$here/$folder/dia${dia}_utt${utt}.mp4"
  echo "$folder/dia${dia}_utt${utt}.mp4  $dur s  $spk $emo"
done <<<"$SCRIPT"

du -sh "$here" | awk '{ print "demo corpus: " $1 }'
