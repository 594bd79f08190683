//! A short, valid WAV recording generated at request time (no binary assets): a
//! few seconds of 16-bit mono PCM, a soft chime whose pitch depends on the call,
//! so a demo's players play something and two calls sound different.

/// Samples per second (telephone quality keeps the file small: 16 KB a second).
pub const SAMPLE_RATE: u32 = 8_000;
/// Length of a recording.
pub const SECONDS: u32 = 3;

/// The recording of `call_id` as a WAV file.
pub fn recording(call_id: &str) -> Vec<u8> {
    let seed = call_id
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    // A major triad on one of twelve roots between A3 and G#4.
    let root = 220.0 * 2f64.powf((seed % 12) as f64 / 12.0);
    let notes = [root, root * 1.259_921, root * 1.498_307];
    wav(&chime(&notes, SAMPLE_RATE, SECONDS))
}

/// The notes one after another, each fading out, as 16-bit samples.
pub fn chime(notes: &[f64], rate: u32, seconds: u32) -> Vec<i16> {
    let total = (rate * seconds) as usize;
    let per_note = total / notes.len().max(1);
    (0..total)
        .map(|i| {
            let note = (i / per_note.max(1)).min(notes.len().saturating_sub(1));
            let local = (i - note * per_note) as f64 / rate as f64;
            let t = i as f64 / rate as f64;
            let envelope = (-3.0 * local).exp() * (local * 200.0).min(1.0);
            let v =
                (2.0 * std::f64::consts::PI * notes.get(note).copied().unwrap_or(440.0) * t).sin();
            (v * envelope * 0.4 * i16::MAX as f64) as i16
        })
        .collect()
}

/// A RIFF/WAVE container around mono 16-bit PCM samples at [`SAMPLE_RATE`].
pub fn wav(samples: &[i16]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], i: usize) -> u32 {
        u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
    }

    #[test]
    fn the_file_is_a_well_formed_pcm_wav() {
        let file = recording("7390156482217734615");
        assert_eq!(&file[0..4], b"RIFF");
        assert_eq!(&file[8..16], b"WAVEfmt ");
        assert_eq!(u32_at(&file, 4) as usize, file.len() - 8);
        assert_eq!(u32_at(&file, 24), SAMPLE_RATE);
        assert_eq!(&file[36..40], b"data");
        assert_eq!(u32_at(&file, 40), SAMPLE_RATE * SECONDS * 2);
        assert_eq!(file.len(), 44 + (SAMPLE_RATE * SECONDS * 2) as usize);
    }

    #[test]
    fn it_is_not_silence_and_calls_differ() {
        let samples = chime(&[440.0], SAMPLE_RATE, 1);
        let loudest = samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(loudest > 5_000, "{loudest}");
        assert_ne!(recording("1"), recording("2"));
    }
}
