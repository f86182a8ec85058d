-- sqlscim lab database: stored procedures for Oracle Database 12c Release 2+.
-- Run after schema.sql:
--   sqlplus -S -L lab/lab@//localhost:1521/FREEPDB1 @procedures.sql
-- Every PL/SQL block ends with "END;" followed by a line holding only "/".
--
-- Reads return their rows through a trailing OUT SYS_REFCURSOR parameter:
--   GET_ACTIVEUSERS(p_cursor OUT SYS_REFCURSOR)
--   GET_USER_BY_ID(p_user_id IN VARCHAR2, p_cursor OUT SYS_REFCURSOR)
--   GET_USER_BY_USERNAME(p_user_name IN VARCHAR2, p_cursor OUT SYS_REFCURSOR)
--   GET_ALL_ENTITLEMENTS(p_cursor OUT SYS_REFCURSOR)
--   GET_USER_ENTITLEMENT(p_user_id IN VARCHAR2, p_cursor OUT SYS_REFCURSOR)
-- e.g. in SQL*Plus:  VARIABLE rc REFCURSOR
--                    EXEC GET_USER_ENTITLEMENT('luke.skywalker@galaxy.local', :rc)
--                    PRINT rc
-- Writes report errors with RAISE_APPLICATION_ERROR(-20001, ...). They do not
-- COMMIT: the caller (or the driver's autocommit) does.

-- All columns of the active users, in table column order.
CREATE OR REPLACE PROCEDURE GET_ACTIVEUSERS (
    p_cursor OUT SYS_REFCURSOR
)
AS
BEGIN
    OPEN p_cursor FOR
        SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
               MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
               DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
               PASSWORD_HASH, IS_ACTIVE
        FROM USERS
        WHERE IS_ACTIVE = 1
        ORDER BY USER_ID;
END;
/

-- All columns of one user, active or not (no row when it does not exist).
CREATE OR REPLACE PROCEDURE GET_USER_BY_ID (
    p_user_id IN VARCHAR2,
    p_cursor  OUT SYS_REFCURSOR
)
AS
BEGIN
    OPEN p_cursor FOR
        SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
               MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
               DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
               PASSWORD_HASH, IS_ACTIVE
        FROM USERS
        WHERE USER_ID = p_user_id;
END;
/

-- All columns of the users whose USERNAME equals p_user_name without regard
-- to case, active or not: sqlscim's get_user_by_username.
CREATE OR REPLACE PROCEDURE GET_USER_BY_USERNAME (
    p_user_name IN VARCHAR2,
    p_cursor  OUT SYS_REFCURSOR
)
AS
BEGIN
    OPEN p_cursor FOR
        SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, MIDDLENAME, EMAIL, DISPLAYNAME, NICKNAME,
               MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION,
               DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE,
               PASSWORD_HASH, IS_ACTIVE
        FROM USERS
        WHERE LOWER(USERNAME) = LOWER(p_user_name); -- served by IX_USERS_USERNAME_LOWER
END;
/

-- Every entitlement.
CREATE OR REPLACE PROCEDURE GET_ALL_ENTITLEMENTS (
    p_cursor OUT SYS_REFCURSOR
)
AS
BEGIN
    OPEN p_cursor FOR
        SELECT ENT_ID, ENT_NAME, ENT_DESCRIPTION
        FROM ENTITLEMENTS
        ORDER BY ENT_ID;
END;
/

-- The entitlements assigned to one user.
CREATE OR REPLACE PROCEDURE GET_USER_ENTITLEMENT (
    p_user_id IN VARCHAR2,
    p_cursor  OUT SYS_REFCURSOR
)
AS
BEGIN
    OPEN p_cursor FOR
        SELECT ue.USERENTITLEMENT_ID, u.USER_ID, u.USERNAME, u.EMAIL,
               e.ENT_ID, e.ENT_NAME, e.ENT_DESCRIPTION, ue.ASSIGNEDDATE
        FROM USERENTITLEMENTS ue
        JOIN USERS u ON u.USER_ID = ue.USER_ID
        JOIN ENTITLEMENTS e ON e.ENT_ID = ue.ENT_ID
        WHERE ue.USER_ID = p_user_id
        ORDER BY e.ENT_ID;
END;
/

-- Inserts a user; IS_ACTIVE takes its default (1). The first five parameters
-- are mandatory (Oracle stores '' as NULL, so TRIM(x) IS NULL covers both).
CREATE OR REPLACE PROCEDURE CREATE_USER (
    p_user_id          IN VARCHAR2,
    p_username         IN VARCHAR2,
    p_firstname        IN VARCHAR2,
    p_lastname         IN VARCHAR2,
    p_email            IN VARCHAR2,
    p_middlename       IN VARCHAR2,
    p_displayname      IN VARCHAR2,
    p_nickname         IN VARCHAR2,
    p_mobilephone      IN VARCHAR2,
    p_streetaddress    IN VARCHAR2,
    p_city             IN VARCHAR2,
    p_state            IN VARCHAR2,
    p_zipcode          IN VARCHAR2,
    p_countrycode      IN VARCHAR2,
    p_timezone         IN VARCHAR2,
    p_organization     IN VARCHAR2,
    p_department       IN VARCHAR2,
    p_managerid        IN VARCHAR2,
    p_manager          IN VARCHAR2,
    p_title            IN VARCHAR2,
    p_employeenumber   IN VARCHAR2,
    p_hiredate         IN DATE,
    p_terminationdate  IN DATE,
    p_password_hash    IN VARCHAR2
)
AS
BEGIN
    IF TRIM(p_user_id) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'CREATE_USER: p_user_id is required (NULL or empty)');
    END IF;
    IF TRIM(p_username) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'CREATE_USER: p_username is required (NULL or empty)');
    END IF;
    IF TRIM(p_firstname) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'CREATE_USER: p_firstname is required (NULL or empty)');
    END IF;
    IF TRIM(p_lastname) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'CREATE_USER: p_lastname is required (NULL or empty)');
    END IF;
    IF TRIM(p_email) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'CREATE_USER: p_email is required (NULL or empty)');
    END IF;
    --
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
END;
/

-- Updates every column of a user but USER_ID and IS_ACTIVE. The first five
-- parameters are mandatory. An unknown p_user_id updates nothing.
CREATE OR REPLACE PROCEDURE UPDATE_USER (
    p_user_id          IN VARCHAR2,
    p_username         IN VARCHAR2,
    p_firstname        IN VARCHAR2,
    p_lastname         IN VARCHAR2,
    p_email            IN VARCHAR2,
    p_middlename       IN VARCHAR2,
    p_displayname      IN VARCHAR2,
    p_nickname         IN VARCHAR2,
    p_mobilephone      IN VARCHAR2,
    p_streetaddress    IN VARCHAR2,
    p_city             IN VARCHAR2,
    p_state            IN VARCHAR2,
    p_zipcode          IN VARCHAR2,
    p_countrycode      IN VARCHAR2,
    p_timezone         IN VARCHAR2,
    p_organization     IN VARCHAR2,
    p_department       IN VARCHAR2,
    p_managerid        IN VARCHAR2,
    p_manager          IN VARCHAR2,
    p_title            IN VARCHAR2,
    p_employeenumber   IN VARCHAR2,
    p_hiredate         IN DATE,
    p_terminationdate  IN DATE,
    p_password_hash    IN VARCHAR2
)
AS
BEGIN
    IF TRIM(p_user_id) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'UPDATE_USER: p_user_id is required (NULL or empty)');
    END IF;
    IF TRIM(p_username) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'UPDATE_USER: p_username is required (NULL or empty)');
    END IF;
    IF TRIM(p_firstname) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'UPDATE_USER: p_firstname is required (NULL or empty)');
    END IF;
    IF TRIM(p_lastname) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'UPDATE_USER: p_lastname is required (NULL or empty)');
    END IF;
    IF TRIM(p_email) IS NULL THEN
        RAISE_APPLICATION_ERROR(-20001, 'UPDATE_USER: p_email is required (NULL or empty)');
    END IF;
    --
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
END;
/

-- Sets IS_ACTIVE to 1 (an unknown p_user_id changes nothing).
CREATE OR REPLACE PROCEDURE ACTIVATE_USER (
    p_user_id IN VARCHAR2
)
AS
BEGIN
    UPDATE USERS SET IS_ACTIVE = 1 WHERE USER_ID = p_user_id;
END;
/

-- Sets IS_ACTIVE to 0 (an unknown p_user_id changes nothing).
CREATE OR REPLACE PROCEDURE DEACTIVATE_USER (
    p_user_id IN VARCHAR2
)
AS
BEGIN
    UPDATE USERS SET IS_ACTIVE = 0 WHERE USER_ID = p_user_id;
END;
/

-- Assigns an entitlement; fails when the user or the entitlement does not
-- exist, does nothing when the assignment already exists.
CREATE OR REPLACE PROCEDURE ADD_ENTITLEMENT_TO_USER (
    p_user_id IN VARCHAR2,
    p_ent_id  IN NUMBER
)
AS
    v_count NUMBER;
BEGIN
    SELECT COUNT(*) INTO v_count FROM USERS WHERE USER_ID = p_user_id;
    IF v_count = 0 THEN
        RAISE_APPLICATION_ERROR(-20001, 'ADD_ENTITLEMENT_TO_USER: user does not exist (p_user_id)');
    END IF;
    SELECT COUNT(*) INTO v_count FROM ENTITLEMENTS WHERE ENT_ID = p_ent_id;
    IF v_count = 0 THEN
        RAISE_APPLICATION_ERROR(-20001, 'ADD_ENTITLEMENT_TO_USER: entitlement does not exist (p_ent_id)');
    END IF;
    SELECT COUNT(*) INTO v_count FROM USERENTITLEMENTS WHERE USER_ID = p_user_id AND ENT_ID = p_ent_id;
    IF v_count = 0 THEN
        BEGIN
            INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES (p_user_id, p_ent_id);
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                NULL; -- assigned concurrently in the meantime: nothing to do
        END;
    END IF;
END;
/

-- Removes an assignment; no error when it does not exist.
CREATE OR REPLACE PROCEDURE REMOVE_ENTITLEMENT_FROM_USER (
    p_user_id IN VARCHAR2,
    p_ent_id  IN NUMBER
)
AS
BEGIN
    DELETE FROM USERENTITLEMENTS WHERE USER_ID = p_user_id AND ENT_ID = p_ent_id;
END;
/
