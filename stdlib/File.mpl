##! Files, by path relative to the working directory (stdlib.md §3). Error
##! texts are the OS messages, e.g. `No such file or directory (os error 2)`.
##! Natives: mesh_interp/natives/file.py.

## The whole file as text; `Err` if missing, unreadable, a directory or not valid UTF-8.
pub fn read(path :: String) -> Result<String, String>

## Create or truncate `path` and write `content`.
pub fn write(path :: String, content :: String) -> Result<(), String>

## Append `content` to `path`, creating it if missing.
pub fn append(path :: String, content :: String) -> Result<(), String>

## Whether `path` exists (file or directory); false on permission errors.
pub fn exists(path :: String) -> Bool

## Remove a file; `Err` for directories and missing files.
pub fn delete(path :: String) -> Result<(), String>
