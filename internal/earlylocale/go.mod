module early.needlelog.app/locale

go 1.26
