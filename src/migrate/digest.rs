//! SHA-256 over bytes as they stream past: the copy hashes what it reads from S3 while it
//! uploads it, and verification hashes what it reads back, without holding either.

use std::io::{Read, Write};

use sha2::{Digest, Sha256};

/// A reader that hashes and counts what passes through it.
pub struct HashingReader<'a, R> {
    inner: R,
    hasher: &'a mut Sha256,
    pub count: u64,
}

impl<'a, R: Read> HashingReader<'a, R> {
    pub fn new(inner: R, hasher: &'a mut Sha256) -> Self {
        HashingReader { inner, hasher, count: 0 }
    }
}

impl<R: Read> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

/// A sink that hashes and counts what is written to it.
#[derive(Default)]
pub struct HashingSink {
    hasher: Sha256,
    pub count: u64,
}

impl Write for HashingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(buf);
        self.count += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl HashingSink {
    pub fn hex(self) -> String {
        hex(self.hasher)
    }
}

pub fn hex(hasher: Sha256) -> String {
    format!("{:x}", hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_and_sink_agree_with_sha256() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(HashingSink::default().hex(), empty);
        let mut hasher = Sha256::new();
        let mut reader = HashingReader::new(&b"abc"[..], &mut hasher);
        let mut sink = HashingSink::default();
        std::io::copy(&mut reader, &mut sink).unwrap();
        assert_eq!((reader.count, sink.count), (3, 3));
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sink.hex(), expected);
        assert_eq!(hex(hasher), expected);
    }
}
