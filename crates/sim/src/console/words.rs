//! Splitting a command line into words the way a POSIX shell does for simple commands: blanks
//! separate words, single quotes keep everything literally, double quotes keep blanks and allow
//! `\"` and `\\`, a backslash outside quotes escapes the next character.

/// The words of `line`, or what is wrong with its quoting.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => {
                                return Err("unexpected EOF while looking for matching `\"'".into());
                            }
                        },
                        Some(c) => word.push(c),
                        None => {
                            return Err("unexpected EOF while looking for matching `\"'".into());
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_separate_words_and_quotes_keep_them() {
        assert_eq!(
            split("kubectl  get pods\t-l 'app=web, tier=front'").unwrap(),
            ["kubectl", "get", "pods", "-l", "app=web, tier=front"]
        );
        assert_eq!(
            split(r#"aws ecs x --a "b \"c\" d" e\ f ''"#).unwrap(),
            ["aws", "ecs", "x", "--a", r#"b "c" d"#, "e f", ""]
        );
        assert!(split("echo 'open").is_err());
        assert_eq!(split("   ").unwrap(), Vec::<String>::new());
    }
}
