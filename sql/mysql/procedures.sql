-- sqlscim lab database: stored procedures for MySQL 8 / MariaDB 10.5+.
-- Run after schema.sql. The mysql client needs the DELIMITER lines; sqlscim's
-- loader (package sqlfiles) honours them the same way.
--
-- Reads return one result set:    CALL GET_ACTIVEUSERS()
--                                  CALL GET_USER_BY_ID('luke.skywalker@galaxy.local')
--                                  CALL GET_USER_BY_USERNAME('Luke.Skywalker')
--                                  CALL GET_ALL_ENTITLEMENTS()
--                                  CALL GET_USER_ENTITLEMENT('luke.skywalker@galaxy.local')
-- Writes return nothing and report errors with SQLSTATE 45000 (error 1644).
--
-- The VARCHAR parameters are declared CHARSET utf8mb4, like the tables: a
-- parameter without a character set takes the database's default collation,
-- and comparing it with a column of another utf8mb4 collation fails with
-- "Illegal mix of collations" (error 1267).

DELIMITER //

-- All columns of the active users, in table column order.
CREATE PROCEDURE GET_ACTIVEUSERS()
BEGIN
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM USERS
    WHERE IS_ACTIVE = TRUE
    ORDER BY USER_ID;
END //

-- All columns of one user, active or not (no row when it does not exist).
CREATE PROCEDURE GET_USER_BY_ID(IN p_user_id VARCHAR(100) CHARSET utf8mb4)
BEGIN
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM USERS
    WHERE USER_ID = p_user_id;
END //

-- All columns of the users whose USERNAME equals p_user_name without regard
-- to case, active or not: sqlscim's get_user_by_username.
CREATE PROCEDURE GET_USER_BY_USERNAME(IN p_user_name VARCHAR(100) CHARSET utf8mb4)
BEGIN
    SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
           MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
           DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
           PASSWORD_HASH, IS_ACTIVE
    FROM USERS
    WHERE USERNAME = p_user_name; -- the collation (utf8mb4_..._ci) ignores case: the unique index serves it
END //

-- Every entitlement.
CREATE PROCEDURE GET_ALL_ENTITLEMENTS()
BEGIN
    SELECT ENT_ID, ENT_NAME, ENT_DESCRIPTION
    FROM ENTITLEMENTS
    ORDER BY ENT_ID;
END //

-- The entitlements assigned to one user.
CREATE PROCEDURE GET_USER_ENTITLEMENT(IN p_user_id VARCHAR(100) CHARSET utf8mb4)
BEGIN
    SELECT ue.USERENTITLEMENT_ID, u.USER_ID, u.USERNAME, u.EMAIL,
           e.ENT_ID, e.ENT_NAME, e.ENT_DESCRIPTION, ue.ASSIGNEDDATE
    FROM USERENTITLEMENTS ue
    JOIN USERS u ON u.USER_ID = ue.USER_ID
    JOIN ENTITLEMENTS e ON e.ENT_ID = ue.ENT_ID
    WHERE ue.USER_ID = p_user_id
    ORDER BY e.ENT_ID;
END //

-- Inserts a user; IS_ACTIVE takes its default (TRUE). The first five
-- parameters are mandatory.
CREATE PROCEDURE CREATE_USER(
    IN p_user_id          VARCHAR(100) CHARSET utf8mb4,
    IN p_username         VARCHAR(100) CHARSET utf8mb4,
    IN p_firstname        VARCHAR(100) CHARSET utf8mb4,
    IN p_lastname         VARCHAR(100) CHARSET utf8mb4,
    IN p_email            VARCHAR(100) CHARSET utf8mb4,
    IN p_middlename       VARCHAR(100) CHARSET utf8mb4,
    IN p_displayname      VARCHAR(200) CHARSET utf8mb4,
    IN p_nickname         VARCHAR(100) CHARSET utf8mb4,
    IN p_mobilephone      VARCHAR(50) CHARSET utf8mb4,
    IN p_streetaddress    VARCHAR(255) CHARSET utf8mb4,
    IN p_city             VARCHAR(100) CHARSET utf8mb4,
    IN p_state            VARCHAR(100) CHARSET utf8mb4,
    IN p_zipcode          VARCHAR(20) CHARSET utf8mb4,
    IN p_countrycode      VARCHAR(10) CHARSET utf8mb4,
    IN p_timezone         VARCHAR(50) CHARSET utf8mb4,
    IN p_organization     VARCHAR(100) CHARSET utf8mb4,
    IN p_department       VARCHAR(100) CHARSET utf8mb4,
    IN p_managerid        VARCHAR(100) CHARSET utf8mb4,
    IN p_manager          VARCHAR(200) CHARSET utf8mb4,
    IN p_title            VARCHAR(100) CHARSET utf8mb4,
    IN p_employeenumber   VARCHAR(50) CHARSET utf8mb4,
    IN p_hiredate         DATE,
    IN p_terminationdate  DATE,
    IN p_password_hash    VARCHAR(255) CHARSET utf8mb4
)
BEGIN
    IF p_user_id IS NULL OR TRIM(p_user_id) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'CREATE_USER: p_user_id is required (NULL or empty)';
    END IF;
    IF p_username IS NULL OR TRIM(p_username) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'CREATE_USER: p_username is required (NULL or empty)';
    END IF;
    IF p_firstname IS NULL OR TRIM(p_firstname) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'CREATE_USER: p_firstname is required (NULL or empty)';
    END IF;
    IF p_lastname IS NULL OR TRIM(p_lastname) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'CREATE_USER: p_lastname is required (NULL or empty)';
    END IF;
    IF p_email IS NULL OR TRIM(p_email) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'CREATE_USER: p_email is required (NULL or empty)';
    END IF;

    INSERT INTO USERS (
        USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL, MIDDLENAME, DISPLAYNAME, NICKNAME,
        MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
        DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
        PASSWORD_HASH
    ) VALUES (
        p_user_id, p_username, p_firstname, p_lastname, p_email, p_middlename, p_displayname, p_nickname,
        p_mobilephone, p_streetaddress, p_city, p_state, p_zipcode, p_countrycode, p_timezone, p_organization,
        p_department, p_managerid, p_manager, p_title, p_employeenumber, p_hiredate, p_terminationdate,
        p_password_hash
    );
END //

-- Updates every column of a user but USER_ID and IS_ACTIVE. The first five
-- parameters are mandatory. An unknown p_user_id updates nothing.
CREATE PROCEDURE UPDATE_USER(
    IN p_user_id          VARCHAR(100) CHARSET utf8mb4,
    IN p_username         VARCHAR(100) CHARSET utf8mb4,
    IN p_firstname        VARCHAR(100) CHARSET utf8mb4,
    IN p_lastname         VARCHAR(100) CHARSET utf8mb4,
    IN p_email            VARCHAR(100) CHARSET utf8mb4,
    IN p_middlename       VARCHAR(100) CHARSET utf8mb4,
    IN p_displayname      VARCHAR(200) CHARSET utf8mb4,
    IN p_nickname         VARCHAR(100) CHARSET utf8mb4,
    IN p_mobilephone      VARCHAR(50) CHARSET utf8mb4,
    IN p_streetaddress    VARCHAR(255) CHARSET utf8mb4,
    IN p_city             VARCHAR(100) CHARSET utf8mb4,
    IN p_state            VARCHAR(100) CHARSET utf8mb4,
    IN p_zipcode          VARCHAR(20) CHARSET utf8mb4,
    IN p_countrycode      VARCHAR(10) CHARSET utf8mb4,
    IN p_timezone         VARCHAR(50) CHARSET utf8mb4,
    IN p_organization     VARCHAR(100) CHARSET utf8mb4,
    IN p_department       VARCHAR(100) CHARSET utf8mb4,
    IN p_managerid        VARCHAR(100) CHARSET utf8mb4,
    IN p_manager          VARCHAR(200) CHARSET utf8mb4,
    IN p_title            VARCHAR(100) CHARSET utf8mb4,
    IN p_employeenumber   VARCHAR(50) CHARSET utf8mb4,
    IN p_hiredate         DATE,
    IN p_terminationdate  DATE,
    IN p_password_hash    VARCHAR(255) CHARSET utf8mb4
)
BEGIN
    IF p_user_id IS NULL OR TRIM(p_user_id) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'UPDATE_USER: p_user_id is required (NULL or empty)';
    END IF;
    IF p_username IS NULL OR TRIM(p_username) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'UPDATE_USER: p_username is required (NULL or empty)';
    END IF;
    IF p_firstname IS NULL OR TRIM(p_firstname) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'UPDATE_USER: p_firstname is required (NULL or empty)';
    END IF;
    IF p_lastname IS NULL OR TRIM(p_lastname) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'UPDATE_USER: p_lastname is required (NULL or empty)';
    END IF;
    IF p_email IS NULL OR TRIM(p_email) = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'UPDATE_USER: p_email is required (NULL or empty)';
    END IF;

    UPDATE USERS
       SET USERNAME = p_username,
           FIRSTNAME = p_firstname,
           LASTNAME = p_lastname,
           EMAIL = p_email,
           MIDDLENAME = p_middlename,
           DISPLAYNAME = p_displayname,
           NICKNAME = p_nickname,
           MOBILEPHONE = p_mobilephone,
           STREETADDRESS = p_streetaddress,
           CITY = p_city,
           STATE = p_state,
           ZIPCODE = p_zipcode,
           COUNTRYCODE = p_countrycode,
           TIMEZONE = p_timezone,
           ORGANIZATION = p_organization,
           DEPARTMENT = p_department,
           MANAGERID = p_managerid,
           MANAGER = p_manager,
           TITLE = p_title,
           EMPLOYEENUMBER = p_employeenumber,
           HIREDATE = p_hiredate,
           TERMINATIONDATE = p_terminationdate,
           PASSWORD_HASH = p_password_hash
     WHERE USER_ID = p_user_id;
END //

-- Sets IS_ACTIVE to TRUE (an unknown p_user_id changes nothing).
CREATE PROCEDURE ACTIVATE_USER(IN p_user_id VARCHAR(100) CHARSET utf8mb4)
BEGIN
    UPDATE USERS SET IS_ACTIVE = TRUE WHERE USER_ID = p_user_id;
END //

-- Sets IS_ACTIVE to FALSE (an unknown p_user_id changes nothing).
CREATE PROCEDURE DEACTIVATE_USER(IN p_user_id VARCHAR(100) CHARSET utf8mb4)
BEGIN
    UPDATE USERS SET IS_ACTIVE = FALSE WHERE USER_ID = p_user_id;
END //

-- Assigns an entitlement; fails when the user or the entitlement does not
-- exist, does nothing when the assignment already exists.
CREATE PROCEDURE ADD_ENTITLEMENT_TO_USER(IN p_user_id VARCHAR(100) CHARSET utf8mb4, IN p_ent_id INT)
BEGIN
    IF NOT EXISTS (SELECT 1 FROM USERS WHERE USER_ID = p_user_id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ADD_ENTITLEMENT_TO_USER: user does not exist (p_user_id)';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ENTITLEMENTS WHERE ENT_ID = p_ent_id) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ADD_ENTITLEMENT_TO_USER: entitlement does not exist (p_ent_id)';
    END IF;
    -- Atomic "insert unless present": a duplicate (USER_ID, ENT_ID) changes nothing.
    INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID)
    VALUES (p_user_id, p_ent_id)
    ON DUPLICATE KEY UPDATE ENT_ID = ENT_ID;
END //

-- Removes an assignment; no error when it does not exist.
CREATE PROCEDURE REMOVE_ENTITLEMENT_FROM_USER(IN p_user_id VARCHAR(100) CHARSET utf8mb4, IN p_ent_id INT)
BEGIN
    DELETE FROM USERENTITLEMENTS WHERE USER_ID = p_user_id AND ENT_ID = p_ent_id;
END //

DELIMITER ;
